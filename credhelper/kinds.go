package credhelper

import (
	"fmt"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/anonymous"
	"github.com/regcred/regcred/providers/ecr"
	"github.com/regcred/regcred/providers/gcr"
	"github.com/regcred/regcred/providers/netdeps"
	"github.com/regcred/regcred/providers/ocir"
	"github.com/regcred/regcred/providers/ocivault"
	"github.com/regcred/regcred/providers/static"
	"github.com/regcred/regcred/providers/vault"
)

// builder builds an entry's backend.
type builder func(*config.Entry, netdeps.Deps) (providers.Provider, error)

func build[C any, P providers.Provider](field func(*config.Entry) *C, newFn func(C, netdeps.Deps) (P, error)) builder {
	return func(e *config.Entry, d netdeps.Deps) (providers.Provider, error) {
		c := field(e)
		if c == nil {
			return nil, fmt.Errorf("%w: entry %s has no settings", providers.ErrInvalid, e)
		}
		return newFn(*c, d)
	}
}

// builders is the kind → constructor table (config.KindNames are its keys).
// A function, not a package variable, so nothing can mutate it.
func builders() map[string]builder {
	return map[string]builder{
		"static":    build(func(e *config.Entry) *static.Config { return e.Static }, local(static.New)),
		"anonymous": build(func(e *config.Entry) *anonymous.Config { return e.Anonymous }, local(anonymous.New)),
		"vault":     build(func(e *config.Entry) *vault.Config { return e.Vault }, vault.New),
		"ecr":       build(func(e *config.Entry) *ecr.Config { return e.ECR }, ecr.New),
		"gcr":       build(func(e *config.Entry) *gcr.Config { return e.GCR }, gcr.New),
		"ocivault":  build(func(e *config.Entry) *ocivault.Config { return e.OCIVault }, ocivault.New),
		"ocir":      build(func(e *config.Entry) *ocir.Config { return e.OCIR }, ocir.New),
	}
}

// local adapts the constructor of a backend that needs no network.
func local[C, P any](newFn func(C, providers.Deps) (P, error)) func(C, netdeps.Deps) (P, error) {
	return func(c C, d netdeps.Deps) (P, error) { return newFn(c, d.Deps) }
}
