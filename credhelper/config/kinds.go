package config

import (
	"github.com/regcred/regcred/providers/acr"
	"github.com/regcred/regcred/providers/anonymous"
	"github.com/regcred/regcred/providers/dockerhub"
	"github.com/regcred/regcred/providers/ecr"
	"github.com/regcred/regcred/providers/gcr"
	"github.com/regcred/regcred/providers/helper"
	"github.com/regcred/regcred/providers/jfrog"
	"github.com/regcred/regcred/providers/jwt"
	"github.com/regcred/regcred/providers/kind"
	"github.com/regcred/regcred/providers/ocir"
	"github.com/regcred/regcred/providers/ocivault"
	"github.com/regcred/regcred/providers/quay"
	"github.com/regcred/regcred/providers/static"
	"github.com/regcred/regcred/providers/vault"
)

// Kinds is the kind table: every backend's registration, in the order
// the config reference, the schema and "exactly one of" messages list
// them. A new backend is one line here. A function, not a package
// variable, so nothing can mutate it.
func Kinds() []*kind.Kind {
	return []*kind.Kind{
		static.Kind(),
		anonymous.Kind(),
		vault.Kind(),
		ecr.Kind(),
		jwt.Kind(),
		jfrog.Kind(),
		quay.Kind(),
		dockerhub.Kind(),
		gcr.Kind(),
		acr.Kind(),
		ocivault.Kind(),
		ocir.Kind(),
		helper.Kind(),
	}
}

// KindNames lists the config kinds, in the table's order.
func KindNames() []string {
	ks := Kinds()
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = k.Name()
	}
	return names
}
