package credhelper

import (
	"reflect"

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

// kindSpec ties a config key to its backend's settings and constructor.
type kindSpec struct {
	name       string
	configType reflect.Type
	// settings returns the entry's settings for this kind, or nil.
	settings func(*Entry) any
	validate func(*Entry) error
	build    func(*Entry, netdeps.Deps) (providers.Provider, error)
	// cached says whether the kind's credentials go through the token
	// cache. Local sources are not: reading them is as cheap as reading the
	// cache, and caching would only make a second copy of the secret.
	cached bool
}

type validator interface{ Validate() error }

func kind[C validator, P providers.Provider](name string, cached bool, field func(*Entry) *C, newFn func(C, netdeps.Deps) (P, error)) *kindSpec {
	return &kindSpec{
		name:       name,
		configType: reflect.TypeFor[C](),
		cached:     cached,
		settings: func(e *Entry) any {
			if c := field(e); c != nil {
				return c
			}
			return nil
		},
		validate: func(e *Entry) error { return (*field(e)).Validate() },
		build: func(e *Entry, d netdeps.Deps) (providers.Provider, error) {
			return newFn(*field(e), d)
		},
	}
}

// kinds is the kind → constructor table. A function, not a package
// variable, so nothing can mutate it.
func kinds() []*kindSpec {
	return []*kindSpec{
		kind("static", false, func(e *Entry) *static.Config { return e.Static }, local(static.New)),
		kind("anonymous", false, func(e *Entry) *anonymous.Config { return e.Anonymous }, local(anonymous.New)),
		kind("vault", true, func(e *Entry) *vault.Config { return e.Vault }, vault.New),
		kind("ecr", true, func(e *Entry) *ecr.Config { return e.ECR }, ecr.New),
		kind("gcr", true, func(e *Entry) *gcr.Config { return e.GCR }, gcr.New),
		kind("ocivault", true, func(e *Entry) *ocivault.Config { return e.OCIVault }, ocivault.New),
		kind("ocir", true, func(e *Entry) *ocir.Config { return e.OCIR }, ocir.New),
	}
}

// local adapts the constructor of a backend that needs no network.
func local[C, P any](newFn func(C, providers.Deps) (P, error)) func(C, netdeps.Deps) (P, error) {
	return func(c C, d netdeps.Deps) (P, error) { return newFn(c, d.Deps) }
}
