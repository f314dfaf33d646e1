package credhelper

import (
	"errors"
	"fmt"
	"time"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
)

// DefaultCacheTTL is how long long-lived secrets (static files aside: they
// are not cached) are kept when the config does not say.
const DefaultCacheTTL = 5 * time.Minute

// DefaultNegativeTTL is how long an absent ambient identity (no AWS, Google
// or OCI identity on this machine) is remembered when the config does not
// say: a machine off the cloud pays the metadata probe once in that time.
const DefaultNegativeTTL = 10 * time.Minute

// openCache opens the token cache the config asks for. REGCRED_CACHE
// overrides the store (for tests and one-off runs: REGCRED_CACHE=none). A
// machine with no home to keep a cache in, or whose cache directory fails
// its checks, runs without one, with a warning that says why.
func (a *App) openCache(cfg *config.Config) (*cache.Cache, error) {
	kind, err := a.cacheKind(cfg)
	if err != nil {
		return nil, err
	}
	ttl := DefaultCacheTTL
	if cfg.Cache.TTL.Set {
		ttl = cfg.Cache.TTL.Duration
	}
	negativeTTL := DefaultNegativeTTL
	if cfg.Cache.NegativeTTL.Set {
		negativeTTL = cfg.Cache.NegativeTTL.Duration
	}
	opts := cache.Options{Kind: kind, Dir: cfg.Cache.Dir, TTL: ttl, NegativeTTL: negativeTTL, Now: a.Deps.Now, LookupEnv: a.Deps.LookupEnv, Logger: a.Deps.Logger, Keyring: a.Keyring, Keyctl: a.Keyctl}
	c, err := cache.Open(opts)
	switch {
	case errors.Is(err, cache.ErrNoDir):
		a.Deps.Logger.Warn("no directory for the token cache; running without one", "error", err)
	case errors.Is(err, cache.ErrSealUnavailable):
		a.Deps.Logger.Warn("not using the token cache; running without one", "error", err)
	case errors.Is(err, cache.ErrUntrustedRoot):
		a.Deps.Logger.Warn("not using the token cache; running without one", "error", err, "fix", cache.UntrustedRootHint)
	default:
		return c, wrapOpenErr(err)
	}
	opts.Kind = cache.KindNone
	c, err = cache.Open(opts)
	return c, wrapOpenErr(err)
}

func wrapOpenErr(err error) error {
	if err != nil {
		return fmt.Errorf("opening the token cache: %w", err)
	}
	return nil
}

// cacheKind is the store asked for: REGCRED_CACHE, else the config's, else
// auto.
func (a *App) cacheKind(cfg *config.Config) (string, error) {
	kind := cfg.Cache.Store
	if v, ok := a.Env.LookupEnv("REGCRED_CACHE"); ok && v != "" {
		if err := (config.CacheConfig{Store: v}).Validate(); err != nil {
			return "", fmt.Errorf("REGCRED_CACHE: %w", err)
		}
		kind = v
	}
	if kind == "" {
		kind = cache.KindAuto
	}
	return kind, nil
}
