package credhelper

import (
	"context"

	"github.com/regcred/regcred/matcher"
)

// storeLogin is called by `docker login` after every login, even when
// nothing changed, so it must not fail for a well-formed request.
func (a *App) storeLogin(_ context.Context, target matcher.Target, creds dockerCredentials) error {
	a.Deps.Logger.Warn("regcred does not keep `docker login` credentials yet; add a registries entry for this registry",
		"registry", target.Registry(), "username", creds.Username)
	return nil
}

// eraseLogin is called by `docker logout`.
func (a *App) eraseLogin(_ context.Context, target matcher.Target) error {
	a.Deps.Logger.Debug("erase", "registry", target.Registry())
	return nil
}
