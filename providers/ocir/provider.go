package ocir

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/oracle/oci-go-sdk/v65/common"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
	"github.com/regcred/regcred/providers/oci/ociauth"
	"github.com/regcred/regcred/providers/oci/ocisdk"
)

// Username is what a registry bearer token is presented with.
const Username = "BEARER_TOKEN"

// Provider exchanges an OCI principal's signed request for an OCIR
// bearer token. It is safe for concurrent use.
type Provider struct {
	cfg Config
	svc ocisdk.Service

	mu       sync.Mutex
	identity common.ConfigurationProvider // resolved on first use, then kept
}

// New checks the settings and returns the provider. It reads no file,
// resolves no identity and touches no network.
func New(cfg Config, deps netdeps.Deps) (*Provider, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Provider{cfg: cfg, svc: ocisdk.NewService("ocir", cfg.Endpoint, deps)}, nil
}

// Credential returns BEARER_TOKEN and a fresh token for the request's
// registry, which must be an OCIR host: the signed request proves the
// principal's identity, so it goes to no other host.
func (p *Provider) Credential(ctx context.Context, req providers.Request) (providers.Credential, error) {
	host := req.Registry
	if !IsOCIRHost(host) {
		return providers.Credential{}, fmt.Errorf("%w: ocir: %q is not an OCI Registry host (<region>.ocir.io or ocir.<region>.oci.oraclecloud.com); no signed request is sent there", providers.ErrInvalid, host)
	}
	ocisdk.Silence()
	ctx, cancel := ocisdk.Bound(ctx)
	defer cancel()
	what := "ocir: token for " + host
	cp, err := p.principal(ctx, req)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("%s: %w", what, err)
	}
	client := common.DefaultBaseClientWithSigner(common.DefaultRequestSigner(cp))
	client.Host = "https://" + host
	p.svc.Tune(&client)
	now := p.svc.Deps.Now()
	answer, err := fetchToken(ctx, client, ocisdk.RetryPolicy(p.svc.Backoff))
	if errors.Is(err, providers.ErrInvalid) {
		return providers.Credential{}, fmt.Errorf("%s: %w", what, err)
	}
	if err != nil {
		return providers.Credential{}, ocisdk.Classify(what, err)
	}
	cred, err := credential(host, answer, now)
	if err != nil {
		return providers.Credential{}, err
	}
	p.svc.Deps.Logger.Debug("ocir: got a registry token", "registry", host, "expires", cred.ExpiresAt)
	return cred, nil
}

// principal returns the kept identity, or resolves it. An identity for a
// kubelet-supplied service-account token serves that request only.
func (p *Provider) principal(ctx context.Context, req providers.Request) (common.ConfigurationProvider, error) {
	id := p.svc.Identity(p.cfg.Settings())
	if sa := req.ServiceAccount; sa != nil && id.Settings.Method() == ociauth.AuthOKEWorkloadIdentity {
		id.ServiceAccountToken = sa.Token.Reveal()
		return id.Provider(ctx)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.identity != nil {
		return p.identity, nil
	}
	cp, err := id.Provider(ctx)
	if err != nil {
		return nil, err
	}
	p.identity = cp
	return cp, nil
}
