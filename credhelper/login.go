package credhelper

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"

	"github.com/regcred/regcred/credhelper/loginstore"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/dockerproto"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

// storeLogin keeps what `docker login` hands over, as a `login` source
// tried after the configured entries of that registry.
//
// A login is kept where `get` will read it, or store fails (docker then
// says "Error saving credentials"): with a config that does not load,
// where logins go is unknown, and a login put elsewhere would never be
// read. docker calls store after every login, also with what get
// answered: a credential the configured entries already answer is not
// copied, and nothing stored is deleted for it.
func (a *App) storeLogin(ctx context.Context, target matcher.Target, creds dockerproto.Credentials) error {
	registry := target.Registry()
	log := a.Deps.Logger.With("registry", registry, "username", creds.Username)
	cfg, err := config.Load(a.ConfigPath, a.Env, a.Deps.Logger)
	if err != nil {
		return fmt.Errorf("not keeping the login for %s: the config does not load, so where logins are kept is unknown; fix it and log in again: %w", registry, err)
	}
	ls, err := loginstore.Open(cfg.Cache, a.Deps.Deps, a.Keyring)
	if err != nil {
		return fmt.Errorf("not keeping the login for %s: %w", registry, err)
	}
	if a.configuredAnswer(ctx, cfg, target, creds) {
		log.Debug("the configured entries already answer this credential; storing nothing")
		return nil
	}
	if _, _, err := ls.Get(ctx, registry); errors.Is(err, cache.ErrDamaged) {
		log.Warn("replacing a stored login that could not be read", "error", err)
	}
	if err := ls.Put(ctx, registry, creds.ServerURL, creds.Username, providers.Secret(creds.Secret)); err != nil {
		return fmt.Errorf("keeping the login for %s: %w", registry, err)
	}
	log.Debug("login stored")
	return nil
}

// configuredAnswer reports whether the config's entries (not a stored
// login) resolve target to exactly creds: docker stores back what get
// answered, and that must not copy a Vault secret into the keyring.
func (a *App) configuredAnswer(ctx context.Context, cfg *config.Config, target matcher.Target, creds dockerproto.Credentials) bool {
	c, err := a.openCache(cfg)
	if err != nil {
		return false
	}
	r := NewResolver(cfg, a.Deps, c, a.openLogins(cfg))
	r.logins = nil
	if len(r.Match(target)) == 0 {
		return false
	}
	res, err := r.Resolve(ctx, target)
	if err != nil {
		return false
	}
	same := subtle.ConstantTimeCompare([]byte(res.Credential.Secret.Reveal()), []byte(creds.Secret)) == 1
	return same && res.Credential.Username == creds.Username
}

// eraseLogin forgets the login stored for the registry (`docker logout`).
// Nothing stored is not an error: logout also runs for registries the
// config serves.
func (a *App) eraseLogin(ctx context.Context, target matcher.Target) error {
	cfg, err := config.Load(a.ConfigPath, a.Env, a.Deps.Logger)
	if err != nil {
		cfg = &config.Config{}
	}
	ls, err := loginstore.Open(cfg.Cache, a.Deps.Deps, a.Keyring)
	if err != nil {
		a.Deps.Logger.Debug("no login store, so no login to erase", "registry", target.Registry(), "error", err)
		return nil
	}
	if err := ls.Delete(ctx, target.Registry()); err != nil {
		return fmt.Errorf("erasing the stored login for %s: %w", target.Registry(), err)
	}
	return nil
}

// openLogins opens the `docker login` store for the resolver; without one
// (no home, say) logins are simply not consulted.
func (a *App) openLogins(cfg *config.Config) *loginstore.Store {
	ls, err := loginstore.Open(cfg.Cache, a.Deps.Deps, a.Keyring)
	if err != nil {
		a.Deps.Logger.Debug("stored logins are not consulted", "reason", err)
		return nil
	}
	return ls
}
