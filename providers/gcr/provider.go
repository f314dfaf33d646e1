package gcr

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// Username is what Google's registries expect with an access token.
const Username = "oauth2accesstoken"

const (
	// metadataIP is the metadata server's documented, fixed address.
	metadataIP = "169.254.169.254"
	// metadataProbeTimeout bounds the "are we on Google Cloud?" probe, so a
	// machine elsewhere learns quickly that there is no metadata server: a
	// real one answers in milliseconds. With the AWS IMDS probe it keeps a
	// machine off every cloud under 1.5 s, and the cache remembers the
	// answer (cache.negativeTTL).
	metadataProbeTimeout = 600 * time.Millisecond
	// iamCredentialsURL is the IAM Credentials API, for impersonation.
	iamCredentialsURL = "https://iamcredentials.googleapis.com"
)

// Provider fetches Google access tokens. It holds no token and no
// credential between calls, so it is safe for concurrent use.
type Provider struct {
	cfg      Config
	deps     netdeps.Deps // defaults filled
	mdClient *http.Client // deps.HTTPClient without its proxy
	// metadataIP is a field, not a constant, only so this package's tests
	// can point it at 127.0.0.1.
	metadataIP string
	// iamURL and stsURL are Google's, or the entry's endpoints.
	iamURL string
	stsURL string
	// environ is the environment gcloud runs with (os.Environ; tests
	// hand their own).
	environ func() []string
}

// New checks cfg and returns the provider. It reads no file and touches no
// network: all of that happens in Credential.
func New(cfg Config, deps netdeps.Deps) (*Provider, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	deps = deps.WithDefaults()
	p := &Provider{
		cfg:        cfg,
		deps:       deps,
		mdClient:   netdeps.WithoutProxy(deps.HTTPClient),
		metadataIP: metadataIP,
		iamURL:     strings.TrimSuffix(cmp.Or(cfg.IAMCredentialsEndpoint, iamCredentialsURL), "/"),
		stsURL:     strings.TrimSuffix(cmp.Or(cfg.STSEndpoint, stsURL), "/"),
		environ:    os.Environ,
	}
	return p, nil
}

// Credential implements providers.Provider.
func (p *Provider) Credential(ctx context.Context, req providers.Request) (providers.Credential, error) {
	if !IsGoogleRegistry(req.Registry) {
		return providers.Credential{}, fmt.Errorf("%w: gcr: %q is not a Google registry host (gcr.io, *.gcr.io, *-docker.pkg.dev, docker.*.rep.pkg.dev); a Google token is never sent elsewhere", providers.ErrInvalid, req.Registry)
	}
	// The oauth2 library takes its HTTP client from the context, but its JWT
	// and metadata flows send their requests without that context: only
	// the client's own timeout bounds them. So the client carries the
	// caller's deadline.
	ctx = context.WithValue(ctx, oauth2.HTTPClient, clientWithin(ctx, p.deps.HTTPClient))
	src, target, err := p.identity(ctx, req)
	if err != nil {
		return providers.Credential{}, err
	}
	if target != "" {
		src = p.impersonate(ctx, src, target)
	}
	p.deps.Logger.DebugContext(ctx, "gcr: fetching an access token", "registry", req.Registry, "identity", src.name)
	tok, err := src.ts.Token()
	if err != nil {
		return providers.Credential{}, tokenError(src.name, err)
	}
	return p.credential(src.name, tok)
}

// identity finds the token source and the service account to impersonate
// with it ("" for none): the workload's identity token with idToken, the
// pod's in kubelet service-account mode, else gcloud's login or
// Application Default Credentials.
func (p *Provider) identity(ctx context.Context, req providers.Request) (source, string, error) {
	if p.cfg.IDToken != nil {
		return p.idTokenSource(ctx, req)
	}
	if p.cfg.federated() {
		l, err := p.podLogin(req)
		if err != nil {
			return source{}, "", err
		}
		return p.podSource(ctx, l), l.target, nil
	}
	src, err := p.findSource(ctx)
	return src, p.cfg.ImpersonateServiceAccount, err
}

// clientWithin returns c, or a copy whose Timeout ends no later than ctx's
// deadline.
func clientWithin(ctx context.Context, c *http.Client) *http.Client {
	dl, ok := ctx.Deadline()
	if !ok {
		return c
	}
	left := time.Until(dl)
	if c.Timeout != 0 && c.Timeout <= left {
		return c
	}
	cc := *c
	cc.Timeout = max(left, time.Millisecond)
	return &cc
}
