package credhelper

import (
	"context"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/check"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

// checker is what `check` is handed: this run's output, environment and
// HTTP client, and a way to the resolver a client's request would meet.
func (a *App) checker() *check.Runner {
	return &check.Runner{
		Stdout: a.Stdout, Logger: a.Deps.Logger, Now: a.Deps.Now, HTTPClient: a.Deps.HTTPClient,
		LookupEnv: a.Env.LookupEnv, Home: a.Env.HomeDir,
		Open: func() (check.Resolver, string, error) {
			cfg, err := config.Load(a.ConfigPath, a.Env, a.Deps.Logger)
			if err != nil {
				return nil, "", err
			}
			c, err := a.openCache(cfg)
			if err != nil {
				return nil, "", err
			}
			r := NewResolver(cfg, a.Deps, c, a.openLogins(cfg))
			if err := checkPullSecrets(cfg, r); err != nil {
				return nil, "", err
			}
			return checkResolver{r}, cfg.Path, nil
		},
	}
}

// checkResolver is the Resolver as check.Resolver sees it.
type checkResolver struct{ r *Resolver }

func (c checkResolver) Entries() []*config.Entry               { return c.r.Entries() }
func (c checkResolver) ConfigEntries() int                     { return c.r.configEntries }
func (c checkResolver) Match(t matcher.Target) []*config.Entry { return c.r.Match(t) }
func (c checkResolver) Cache() *cache.Cache                    { return c.r.cache }
func (c checkResolver) HasLogin(registry string) bool {
	return c.r.logins != nil && c.r.logins.Has(registry)
}
func (c checkResolver) Candidates(ctx context.Context, t matcher.Target) []*config.Entry {
	return c.r.candidates(ctx, t)
}

func (c checkResolver) Try(ctx context.Context, e *config.Entry, t matcher.Target) (providers.Credential, error) {
	cred, _, err := c.r.try(ctx, e, t, nil)
	return cred, err
}

// StoredLogins are the entries standing for `docker login`s regcred keeps,
// so that `check` resolves (and verifies) them too.
func (c checkResolver) StoredLogins(ctx context.Context) []*config.Entry {
	if c.r.logins == nil {
		return nil
	}
	regs, err := c.r.logins.Registries(ctx)
	if err != nil {
		c.r.log.Warn("listing stored logins failed", "error", err)
	}
	var out []*config.Entry
	for _, reg := range regs {
		t, err := matcher.Normalize(reg)
		if err != nil {
			continue
		}
		if e := loginEntry(t); e != nil {
			out = append(out, e)
		}
	}
	return out
}
