package front

import (
	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
)

// cacheStore is the token store the backend would open for this request,
// and whether it would open its stores without a word. The backend opens
// them for every `get`, whatever entry matches: a bad REGCRED_CACHE or
// cache.dir is an error it answers with (exit 1), and a cache it must do
// without (no home) or a keyring store with no session bus is a warning it
// prints. Either way the request is the backend's.
func (f *Front) cacheStore(cfg *config.Config) (string, bool) {
	kind := cfg.Cache.Store
	if v, ok := f.LookupEnv("REGCRED_CACHE"); ok && v != "" {
		kind = v
	}
	opts := cache.Options{Kind: kind, Dir: cfg.Cache.Dir, LookupEnv: f.LookupEnv}
	if _, err := cache.Open(opts); err != nil {
		return "", false
	}
	// The logins' store follows the config, not REGCRED_CACHE.
	for _, k := range []string{kind, cfg.Cache.Store} {
		o := opts
		o.Kind = k
		if k == cache.KindKeyring && !o.UsesKeyring(f.GOOS) {
			return "", false
		}
	}
	return kind, true
}
