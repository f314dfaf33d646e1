package credhelper

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/regcred/regcred/credhelper/loginstore"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/kind"
	"github.com/regcred/regcred/providers/netdeps"
)

// loginKind is the `login` source: a credential `docker login` stored. It
// is not a config kind (nothing to configure); the resolver adds one entry
// for a registry with a stored login, and builds it (loginBuilder). Not
// cached: it is already local.
func loginKind() *kind.Kind {
	return kind.New(kind.Spec[loginSettings, providers.Provider]{Name: "login"})
}

// loginSettings are a login entry's settings: the registry it stands for.
type loginSettings struct{ Registry string }

// Validate implements kind.Config; there is nothing to check.
func (loginSettings) Validate() error { return nil }

// loginBuilder builds a login entry's backend: a read of the login store.
func loginBuilder(s *loginstore.Store) builder {
	return func(e *config.Entry, _ netdeps.Deps) (providers.Provider, error) {
		registry := e.Match
		return providers.ProviderFunc(func(ctx context.Context, _ providers.Request) (providers.Credential, error) {
			cred, ok, err := s.Get(ctx, registry)
			if errors.Is(err, cache.ErrDamaged) {
				return providers.Credential{}, fmt.Errorf("%w: the stored login cannot be read (%w); `docker login %s` again replaces it", providers.ErrInvalid, err, registry)
			}
			if err != nil {
				return providers.Credential{}, fmt.Errorf("%w: reading the stored login: %w", providers.ErrUnavailable, err)
			}
			if !ok {
				return providers.Credential{}, fmt.Errorf("%w: no stored login for %s (docker logout removed it)", providers.ErrNotFound, registry)
			}
			return cred, nil
		}), nil
	}
}

// loginEntry is the entry standing for registry's stored login.
func loginEntry(t matcher.Target) *config.Entry {
	e, err := config.NewEntry(t.Registry(), loginKind(), &loginSettings{Registry: t.Registry()}, loginstore.Source)
	if err != nil {
		return nil // a registry that was stored was normalised: cannot happen
	}
	return e
}

// candidates are the entries tried for t: the matching config entries and,
// when `docker login` stored a credential for t's registry, that login,
// placed after the entries from the config file and before the built-in
// ones, so a configured source always wins and a login beats a guess.
func (r *Resolver) candidates(ctx context.Context, t matcher.Target) []*config.Entry {
	matches := r.Match(t)
	if r.logins == nil || !r.logins.Has(t.Registry()) {
		return matches
	}
	e := loginEntry(t)
	if e == nil {
		return matches
	}
	pos := 0
	for i, m := range matches {
		if slices.Contains(r.entries[:r.configEntries], m) {
			pos = i + 1
		}
	}
	r.log.Debug("a stored docker login joins the candidates", "registry", t.Registry(), "position", pos+1)
	return slices.Insert(matches, pos, e)
}
