package front

import (
	"context"
	"log/slog"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/static"
)

// credential is what entry e yields for t without a backend: a static
// source read, an anonymous answer, or a fresh token from the file cache.
// ok is false for everything else, which the backend handles.
func (f *Front) credential(ctx context.Context, cfg *config.Config, store string, e *config.Entry, t matcher.Target, log *slog.Logger) (providers.Credential, bool) {
	if e.Cached() {
		return f.cached(ctx, cfg, store, e, t, log)
	}
	if e.Verify {
		return providers.Credential{}, false // the registry must judge it: network
	}
	switch e.Kind() {
	case "anonymous":
		return providers.Credential{Anonymous: true}, true
	case "static":
		return f.static(ctx, e, t, log)
	}
	return providers.Credential{}, false
}

func (f *Front) static(ctx context.Context, e *config.Entry, t matcher.Target, log *slog.Logger) (providers.Credential, bool) {
	p, err := static.New(*e.Static, providers.Deps{Now: f.Now, LookupEnv: f.LookupEnv, Logger: log})
	if err != nil {
		return providers.Credential{}, false
	}
	cred, err := p.Credential(ctx, providers.Request{Registry: t.Registry(), Repository: t.Path, Pattern: e.Pattern().String()})
	if err != nil || (cred.Username == "" && cred.Secret == "") {
		return providers.Credential{}, false
	}
	return cred, true
}

// cached reads the file store, the only one the front links. A store that
// would be the keyring (or none) is the backend's. kind is the store the
// backend would open (cacheStore).
func (f *Front) cached(ctx context.Context, cfg *config.Config, kind string, e *config.Entry, t matcher.Target, log *slog.Logger) (providers.Credential, bool) {
	opts := cache.Options{Kind: kind, Dir: cfg.Cache.Dir, Now: f.Now, LookupEnv: f.LookupEnv, Logger: log}
	if kind != cache.KindFile && (kind != "" && kind != cache.KindAuto || opts.UsesKeyring(f.GOOS)) {
		return providers.Credential{}, false
	}
	opts.Kind = cache.KindFile
	c, err := cache.Open(opts)
	if err != nil {
		return providers.Credential{}, false
	}
	// No Source: reading does not need it, and naming the entry's line
	// would parse the config a second time.
	return c.Peek(ctx, cache.Item{Key: e.CacheKey(t, nil, f.LookupEnv), Registry: t.Registry()})
}
