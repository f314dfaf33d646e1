package credhelper

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"time"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/providers"
)

// loginKeyringService files `docker login` credentials apart from cached
// tokens, so that a keyring browser shows them as what they are and `cache
// clear` never touches them.
const loginKeyringService = "regcred-login"

// loginSource is the Source recorded with a stored login.
const loginSource = "docker login"

// loginLifetime is the expiry given to a stored login. A login has none:
// it lasts until `docker logout`; the store wants a date, so it gets one
// far away.
const loginLifetime = 100 * 365 * 24 * time.Hour

// loginStore keeps `docker login` credentials in the cache package's store
// (the OS keyring with the file store behind it), in a directory of their
// own. Keys are derived from the registry; the secret is in no key, file
// name or index.
type loginStore struct {
	store cache.Store
	now   func() time.Time
}

// openLoginStore opens the store the config's cache settings imply: the
// keyring where usable (file fallback), or the file store when the config
// says `cache.store: file`. `none` turns off the token cache, not logins:
// a login the user asked docker to keep is kept.
func openLoginStore(cfg config.CacheConfig, deps providers.Deps, kr cache.Keyring) (*loginStore, error) {
	dir, err := loginDir(cfg, deps.LookupEnv)
	if err != nil {
		return nil, err
	}
	kind := cache.KindAuto
	if cfg.Store == cache.KindFile || cfg.Store == cache.KindKeyring {
		kind = cfg.Store
	}
	c, err := cache.Open(cache.Options{Kind: kind, Dir: dir, Now: deps.Now, LookupEnv: deps.LookupEnv,
		Logger: deps.Logger, Keyring: kr, KeyringService: loginKeyringService})
	if err != nil {
		return nil, fmt.Errorf("opening the login store in %s: %w", dir, err)
	}
	return &loginStore{store: c.Store(), now: deps.Now}, nil
}

// loginDir is where logins are kept when the keyring cannot take them (and
// the keyring's secret-free index): <cache.dir>/logins when the config sets
// a cache dir, else the user's data dir ($XDG_DATA_HOME/regcred/logins or
// ~/.local/share/regcred/logins; the platform's application-data dir on
// macOS and Windows). Not the cache dir: caches may be wiped, logins not.
func loginDir(cfg config.CacheConfig, lookupEnv func(string) (string, bool)) (string, error) {
	if cfg.Dir != "" {
		return filepath.Join(cfg.Dir, "logins"), nil
	}
	get := func(k string) string { v, _ := lookupEnv(k); return v }
	var base string
	switch runtime.GOOS {
	case "windows":
		base = get("AppData")
	case "darwin", "ios":
		if home := get("HOME"); home != "" {
			base = filepath.Join(home, "Library", "Application Support")
		}
	default:
		base = get("XDG_DATA_HOME")
		if base == "" || !filepath.IsAbs(base) {
			base = ""
			if home := get("HOME"); home != "" {
				base = filepath.Join(home, ".local", "share")
			}
		}
	}
	if base == "" || !filepath.IsAbs(base) {
		return "", errors.New("no directory to keep logins in: $HOME is not set; set cache.dir in the config")
	}
	return filepath.Join(base, "regcred", "logins"), nil
}

// loginKey derives the store key from the normalised registry alone.
func loginKey(registry string) string { return cache.Key("regcred-login/1", registry) }

func (s *loginStore) put(ctx context.Context, registry, username string, secret providers.Secret) error {
	now := s.now()
	return s.store.Put(ctx, loginKey(registry), cache.Entry{
		Username: username, Secret: secret, StoredAt: now, ExpiresAt: now.Add(loginLifetime),
		LongLived: true, Registry: registry, Source: loginSource,
	})
}

// get returns the login stored for registry; ok is false when there is none.
func (s *loginStore) get(ctx context.Context, registry string) (providers.Credential, bool, error) {
	e, ok, err := s.store.Get(ctx, loginKey(registry))
	if err != nil || !ok {
		return providers.Credential{}, false, err
	}
	return providers.Credential{Username: e.Username, Secret: e.Secret}, true, nil
}

func (s *loginStore) delete(ctx context.Context, registry string) error {
	return s.store.Delete(ctx, loginKey(registry))
}

// registries lists the registries with a stored login. It reads the
// store's secret-free index and files, never the keyring, so it is cheap
// enough for every `get`.
func (s *loginStore) registries(ctx context.Context) ([]string, error) {
	infos, err := s.store.List(ctx)
	var out []string
	for _, in := range infos {
		if in.Key == loginKey(in.Registry) {
			out = append(out, in.Registry)
		}
	}
	return out, err
}

// has reports whether registry has a stored login, from the index.
func (s *loginStore) has(ctx context.Context, registry string) bool {
	regs, _ := s.registries(ctx)
	for _, r := range regs {
		if r == registry {
			return true
		}
	}
	return false
}
