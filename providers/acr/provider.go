package acr

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// Username is the user ACR expects with a refresh token from its exchange.
const Username = "00000000-0000-0000-0000-000000000000"

const (
	// imdsHost is the Azure Instance Metadata Service's fixed address.
	imdsHost = "169.254.169.254"
	// imdsProbeTimeout bounds the "are we on Azure?" probe: a real IMDS
	// answers in milliseconds, and a machine elsewhere must learn quickly
	// that there is none (the cache remembers the answer).
	imdsProbeTimeout = 600 * time.Millisecond
	// cliTimeout bounds `az account get-access-token`, which may refresh
	// the login over the network.
	cliTimeout = 20 * time.Second
)

// Provider fetches ACR refresh tokens. It holds no token between calls,
// so it is safe for concurrent use.
type Provider struct {
	cfg      Config
	deps     netdeps.Deps // defaults filled
	mdClient *http.Client // deps.HTTPClient without its proxy, for IMDS
}

// New checks cfg and returns the provider. It reads no file and touches no
// network: all of that happens in Credential.
func New(cfg Config, deps netdeps.Deps) (*Provider, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	deps = deps.WithDefaults()
	return &Provider{cfg: cfg, deps: deps, mdClient: netdeps.WithoutProxy(deps.HTTPClient)}, nil
}

// Credential implements providers.Provider.
func (p *Provider) Credential(ctx context.Context, req providers.Request) (providers.Credential, error) {
	reg, err := registryOf(req)
	if err != nil {
		return providers.Credential{}, err
	}
	src, err := p.source(ctx, req)
	if err != nil {
		return providers.Credential{}, err
	}
	tok, src, err := p.token(ctx, req, src)
	if err != nil {
		return providers.Credential{}, err
	}
	tenant := src.tenant
	if tenant == "" {
		tenant = tenantOf(tok.Token)
	}
	refresh, err := p.exchange(ctx, reg, tenant, providers.Secret(tok.Token))
	if err != nil {
		return providers.Credential{}, fmt.Errorf("%w (identity: %s)", err, src.name)
	}
	return p.credential(reg, refresh)
}

// token asks src for an Entra token. A VM without a system-assigned
// identity is, to DefaultAzureCredential, no managed identity at all: its
// chain goes on to the Azure CLI's login, and so does this one. It returns
// the source that answered.
func (p *Provider) token(ctx context.Context, req providers.Request, src source) (azcore.AccessToken, source, error) {
	opts := policy.TokenRequestOptions{Scopes: []string{p.cfg.TokenScope()}}
	p.deps.Logger.DebugContext(ctx, "acr: fetching an Entra token", "registry", req.Registry, "identity", src.name)
	tok, err := src.cred.GetToken(ctx, opts)
	if err == nil {
		return tok, src, nil
	}
	err = src.tokenError(ctx, err)
	if src.kind != kindSystemManaged || !errors.Is(err, providers.ErrAbsent) || p.lookPath("az") == "" {
		return azcore.AccessToken{}, src, err
	}
	p.deps.Logger.DebugContext(ctx, "acr: no system-assigned identity; trying the Azure CLI", "registry", req.Registry)
	if src, err = p.cliSource(); err != nil {
		return azcore.AccessToken{}, src, err
	}
	return p.token(ctx, req, src)
}

// registry is where the exchange is asked: its host and the scheme.
type registry struct {
	host   string
	scheme string
}

func (r registry) url(path string) string { return r.scheme + "://" + r.host + path }

// registryOf refuses to send an Entra token to a host that is not an ACR
// login server, unless the entry names that very host (no glob): a
// registry behind a name of its own, Azure Stack's, a test's. Plain http
// only to loopback.
func registryOf(req providers.Request) (registry, error) {
	host := req.Registry
	if IsACRHost(host) {
		return registry{host: host, scheme: "https"}, nil
	}
	patternHost, _, _ := strings.Cut(req.Pattern, "/")
	if patternHost == "" || strings.Contains(patternHost, "*") || !strings.EqualFold(patternHost, host) {
		return registry{}, fmt.Errorf("%w: acr: %q is not an ACR login server (<name>.azurecr.io, .azurecr.cn, .azurecr.us); "+
			"an Entra token is sent elsewhere only to a host an entry names exactly, without a glob", providers.ErrInvalid, host)
	}
	scheme := "https"
	if h := hostname(host); providers.IsLoopbackHost(h) {
		scheme = "http"
	}
	return registry{host: host, scheme: scheme}, nil
}

// hostname is host without its port.
func hostname(host string) string {
	if strings.HasPrefix(host, "[") {
		h, _, _ := strings.Cut(strings.TrimPrefix(host, "["), "]")
		return h
	}
	h, _, _ := strings.Cut(host, ":")
	return h
}
