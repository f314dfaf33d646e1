package loginstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/providers"
)

// Source is the Source recorded with a stored login, and the source its
// entries show.
const Source = "docker login"

// loginLifetime is the expiry given to a stored login. A login has none:
// it lasts until `docker logout`; the store wants a date, so it gets one
// far away.
const loginLifetime = 100 * 365 * 24 * time.Hour

// Store keeps `docker login` credentials in the cache package's store
// (the OS keyring with the file store behind it), in a directory of their
// own. Keys are derived from the registry; the secret is in no key, file
// name or index.
type Store struct {
	store cache.Store
	dir   string
	now   func() time.Time
}

// Open opens the store the config's cache settings imply: the
// keyring where usable (file fallback), or the file store when the config
// says `cache.store: file`. `none` turns off the token cache, not logins:
// a login the user asked docker to keep is kept.
func Open(cfg config.CacheConfig, deps providers.Deps, kr cache.Keyring) (*Store, error) {
	dir, err := config.LoginDir(cfg, deps.LookupEnv)
	if err != nil {
		return nil, err
	}
	kind := cache.KindAuto
	if cfg.Store == cache.KindFile || cfg.Store == cache.KindKeyring {
		kind = cfg.Store
	}
	c, err := cache.Open(cache.Options{Kind: kind, Dir: dir, Now: deps.Now, LookupEnv: deps.LookupEnv,
		Logger: deps.Logger, Keyring: kr, KeyringService: config.LoginKeyringService, StrictRecords: true})
	if err != nil {
		return nil, fmt.Errorf("opening the login store in %s: %w", providers.ShowPath(dir), err)
	}
	return &Store{store: c.Store(), dir: dir, now: deps.Now}, nil
}

// Put keeps a login for registry. serverURL is the server as the client
// named it (`https://index.docker.io/v1/` from docker, `docker.io` from
// podman): kept beside the login, so `list` answers it as stored, unless
// it could carry a secret (see Login.Key).
func (s *Store) Put(ctx context.Context, registry, serverURL, username string, secret providers.Secret) error {
	now := s.now()
	if !keepable(serverURL) {
		serverURL = ""
	}
	return s.store.Put(ctx, cache.LoginKey(registry), cache.Entry{
		Username: username, Secret: secret, StoredAt: now, ExpiresAt: now.Add(loginLifetime),
		LongLived: true, Registry: registry, Source: Source, ServerURL: serverURL,
	})
}

// Get returns the login stored for registry; ok is false when there is
// none. One that exists and cannot be read (cache.ErrDamaged) is an error:
// it is the user's only copy, so it is reported, never taken for absent.
func (s *Store) Get(ctx context.Context, registry string) (providers.Credential, bool, error) {
	e, ok, err := s.store.Get(ctx, cache.LoginKey(registry))
	if err != nil {
		return providers.Credential{}, false, err
	}
	if ok && e.Registry != registry {
		return providers.Credential{}, false, fmt.Errorf("%w: the login stored under %s's key names %s", cache.ErrDamaged, registry, e.Registry)
	}
	if !ok {
		return providers.Credential{}, false, nil
	}
	return providers.Credential{Username: e.Username, Secret: e.Secret}, true, nil
}

func (s *Store) Delete(ctx context.Context, registry string) error {
	return s.store.Delete(ctx, cache.LoginKey(registry))
}

// Registries lists the registries with a stored login (see Logins).
func (s *Store) Registries(ctx context.Context) ([]string, error) {
	logins, err := s.Logins(ctx)
	out := make([]string, len(logins))
	for i, l := range logins {
		out[i] = l.Registry
	}
	return out, err
}

// Logins lists the stored logins, without their secrets. It reads the
// store's secret-free index and files, never the keyring, so it is cheap
// enough for every `get`. Logins that cannot be read are an error naming
// each (their registry is unknown: it is inside the damaged record).
func (s *Store) Logins(ctx context.Context) ([]Login, error) {
	infos, err := s.store.List(ctx)
	errs := []error{err}
	var out []Login
	for _, in := range infos {
		switch {
		case in.Damaged != "":
			errs = append(errs, fmt.Errorf("%w: %s", cache.ErrDamaged, in.Damaged))
		case in.Key == cache.LoginKey(in.Registry):
			out = append(out, Login{Registry: in.Registry, ServerURL: in.ServerURL})
		}
	}
	return out, errors.Join(errs...)
}

// Has reports whether registry has a stored login, from the index.
func (s *Store) Has(registry string) bool {
	return cache.Present(s.dir, cache.LoginKey(registry))
}

// Dir is where the store keeps its files (and its keyring index).
func (s *Store) Dir() string { return s.dir }
