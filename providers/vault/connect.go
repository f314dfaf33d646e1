package vault

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/regcred/regcred/providers"
)

// vaultClient builds the API client on first use: the address and
// namespace (config, else VAULT_ADDR and VAULT_NAMESPACE) and the TLS
// settings. A failure is not kept, so a fixed file is picked up next time.
func (p *Provider) vaultClient() (*client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client != nil {
		return p.client, nil
	}
	base, err := p.address()
	if err != nil {
		return nil, err
	}
	hc, clientCert, err := p.httpClient()
	if err != nil {
		return nil, err
	}
	ns := p.cfg.Namespace
	if ns == "" {
		ns = p.deps.Getenv("VAULT_NAMESPACE")
		if ns != "" {
			if err := CheckPath(ns); err != nil {
				return nil, fmt.Errorf("%w: VAULT_NAMESPACE %v", providers.ErrInvalid, err)
			}
		}
	}
	p.client = &client{
		http:       hc,
		base:       base,
		address:    strings.TrimSuffix(base.String(), "/"),
		namespace:  trimSlashes(ns),
		timeout:    p.timeout,
		logger:     p.deps.Logger,
		clientCert: clientCert,
	}
	return p.client, nil
}

func (p *Provider) address() (*url.URL, error) {
	addr, from := p.cfg.Address, "address"
	if addr == "" {
		addr, from = p.deps.Getenv("VAULT_ADDR"), "VAULT_ADDR"
	}
	if addr == "" {
		return nil, fmt.Errorf("%w: no Vault address: set address in the entry or VAULT_ADDR", providers.ErrInvalid)
	}
	if err := CheckAddress(addr); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", providers.ErrInvalid, from, err)
	}
	if err := CheckPlainHTTP(addr, p.cfg.AllowHTTP); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", providers.ErrInvalid, from, err)
	}
	u, _ := url.Parse(addr) // CheckAddress parsed it
	return u, nil
}
