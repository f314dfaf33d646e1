package credhelper

import (
	"context"
	"errors"
	"fmt"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/pullsecret"
	"github.com/regcred/regcred/matcher"
)

// ErrNoPullCredential marks a registry that resolved to no credential a
// pull secret can hold (no matching entry, or an anonymous one).
var ErrNoPullCredential = errors.New("no credential for a pull secret")

// PullResolver resolves whole registries into pull-secret entries through
// the normal resolver: the same entries, order, cache and verify.
type PullResolver struct{ r *Resolver }

// NewPullResolver is the resolver for cfg. cached false runs without the
// token cache: regcred-controller keeps the last good credentials itself and
// refreshes them at half their lifetime, which a cache holding them until
// shortly before expiry would defeat.
func (a *App) NewPullResolver(cfg *config.Config, cached bool) (*PullResolver, error) {
	var c *cache.Cache // nil: nothing cached
	if cached {
		var err error
		if c, err = a.openCache(cfg); err != nil {
			return nil, err
		}
	}
	return &PullResolver{r: NewResolver(cfg, a.Deps, c, nil)}, nil
}

// Auth resolves registry (host[:port]) into its pull-secret entry.
func (p *PullResolver) Auth(ctx context.Context, registry string) (pullsecret.Auth, error) {
	t, err := matcher.Normalize(registry)
	if err != nil {
		return pullsecret.Auth{}, fmt.Errorf("registry %q: %w", registry, err)
	}
	if t.Path != "" {
		return pullsecret.Auth{}, fmt.Errorf("%w: %q names a repository; a pull secret is keyed by registry (host[:port]) alone", ErrUsage, registry)
	}
	res, err := p.r.Resolve(ctx, t)
	switch {
	case errors.Is(err, ErrNotFound):
		return pullsecret.Auth{}, fmt.Errorf("%w: %s: no entry yields one (none matches, or an anonymous one comes first)", ErrNoPullCredential, t.Registry())
	case err != nil:
		return pullsecret.Auth{}, err
	case res.Credential.Anonymous:
		return pullsecret.Auth{}, fmt.Errorf("%w: %s is anonymous", ErrNoPullCredential, t.Registry())
	}
	return pullsecret.Auth{
		Registry: pullsecret.Key(t.Registry()), Username: res.Credential.Username,
		Password: res.Credential.Secret, ExpiresAt: res.Credential.ExpiresAt,
	}, nil
}
