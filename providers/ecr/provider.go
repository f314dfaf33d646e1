package ecr

import (
	"context"
	"sync"
	"time"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// Bounds of the SDK retryer for every call this backend makes: a throttled
// or failing ECR is retried a few times, briefly, and then reported, so a
// `docker pull` never hangs on it.
const (
	maxAttempts       = 3
	defaultMaxBackoff = time.Second
)

// Provider fetches ECR and ECR Public tokens. It is safe for concurrent use;
// concurrent requests for one registry share one GetAuthorizationToken call.
type Provider struct {
	cfg  Config
	deps netdeps.Deps // defaults filled
	// maxBackoff caps the wait between retries; tests shorten it.
	maxBackoff time.Duration

	mu       sync.Mutex
	sessions map[string]*session // by region the SDK config was loaded for
	flights  flightGroup
}

// New checks cfg and returns the provider. It loads no AWS configuration
// and no credentials and touches no network: all of that happens in
// Credential, so an entry that is never tried costs nothing.
func New(cfg Config, deps netdeps.Deps) (*Provider, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &Provider{
		cfg:        cfg,
		deps:       deps.WithDefaults(),
		maxBackoff: defaultMaxBackoff,
		sessions:   map[string]*session{},
	}
	return p, nil
}

// Credential implements providers.Provider. The registry host is checked
// against the anchored ECR host patterns before anything else: a token is
// never fetched for, let alone handed to, a host that only looks like ECR.
func (p *Provider) Credential(ctx context.Context, req providers.Request) (providers.Credential, error) {
	t, err := parseHost(req.Registry)
	if err != nil {
		return providers.Credential{}, err
	}
	region := t.region
	if p.cfg.Region != "" && !t.public {
		region = p.cfg.Region
	}
	key := t.host + "|" + region
	pod, usesPod, err := p.podRole(t, req)
	if p.cfg.IDToken != nil {
		pod, usesPod, err = p.idTokenRole(ctx, t, req)
	}
	if err != nil {
		return providers.Credential{}, err
	}
	if usesPod {
		key += pod.flightKey()
	}
	return p.flights.do(ctx, key, func() (providers.Credential, error) {
		return p.fetch(ctx, t, region, pod)
	})
}

// fetch resolves the identity, then asks ECR for a token.
// fetch gets a token with the session's identity, or with pod's role when
// pod.arn is set.
func (p *Provider) fetch(ctx context.Context, t target, region string, pod podRole) (providers.Credential, error) {
	s, err := p.session(ctx, region)
	if err != nil {
		return providers.Credential{}, p.configError(t, err)
	}
	var source string
	if pod.arn != "" {
		s = p.withPodRole(s, pod)
		source, err = p.resolvePodRole(ctx, t, s, pod)
	} else {
		source, err = p.resolveIdentity(ctx, t, s)
	}
	if err != nil {
		return providers.Credential{}, err
	}
	p.deps.Logger.DebugContext(ctx, "ecr: requesting authorization token",
		"registry", t.host, "region", region, "public", t.public, "credentials", source)
	tok, err := p.requestToken(ctx, t, region, s)
	if err != nil {
		return providers.Credential{}, p.apiError(ctx, t, region, source, err)
	}
	cred, err := p.credential(t, region, tok)
	if err == nil && pod.arn == "" && s.caBundle == "" { // the fetcher trusts the system's roots only
		cred.Recipe = p.recipe(t, region, source, tok)
	}
	return cred, err
}
