package config

import (
	"reflect"

	"github.com/regcred/regcred/providers/anonymous"
	"github.com/regcred/regcred/providers/ecr"
	"github.com/regcred/regcred/providers/gcr"
	"github.com/regcred/regcred/providers/ocir"
	"github.com/regcred/regcred/providers/ocivault"
	"github.com/regcred/regcred/providers/static"
	"github.com/regcred/regcred/providers/vault"
)

// Kind is a backend as the config knows it: its key, its settings and
// whether its credentials go through the token cache. Building the backend
// is the engine's business (credhelper), which looks kinds up by Name.
type Kind struct {
	Name string
	// Cached says whether the kind's credentials go through the token
	// cache. Local sources are not: reading them is as cheap as reading the
	// cache, and caching would only make a second copy of the secret.
	Cached bool
	// Settings returns the entry's settings for this kind, or nil.
	Settings func(*Entry) any
	// Validate checks the settings; nil means there is nothing to check.
	Validate func(*Entry) error

	configType reflect.Type
}

type validator interface{ Validate() error }

func kind[C validator](name string, cached bool, field func(*Entry) *C) *Kind {
	return &Kind{
		Name:       name,
		Cached:     cached,
		configType: reflect.TypeFor[C](),
		Settings: func(e *Entry) any {
			if c := field(e); c != nil {
				return c
			}
			return nil
		},
		Validate: func(e *Entry) error { return (*field(e)).Validate() },
	}
}

// kinds is the table of config kinds. A function, not a package variable,
// so nothing can mutate it.
func kinds() []*Kind {
	return []*Kind{
		kind("static", false, func(e *Entry) *static.Config { return e.Static }),
		kind("anonymous", false, func(e *Entry) *anonymous.Config { return e.Anonymous }),
		kind("vault", true, func(e *Entry) *vault.Config { return e.Vault }),
		kind("ecr", true, func(e *Entry) *ecr.Config { return e.ECR }),
		kind("gcr", true, func(e *Entry) *gcr.Config { return e.GCR }),
		kind("ocivault", true, func(e *Entry) *ocivault.Config { return e.OCIVault }),
		kind("ocir", true, func(e *Entry) *ocir.Config { return e.OCIR }),
	}
}

// KindNames lists the config kinds, in the table's order.
func KindNames() []string {
	ks := kinds()
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = k.Name
	}
	return names
}
