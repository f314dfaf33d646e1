package static

import (
	"github.com/regcred/regcred/providers/kind"
	"github.com/regcred/regcred/providers/netdeps"
)

// Kind registers the `static:` kind. Not cached: its sources are local.
func Kind() *kind.Kind {
	return kind.New(kind.Spec[Config, *Provider]{
		Name: "static",
		New:  func(c Config, d netdeps.Deps) (*Provider, error) { return New(c, d.Deps) },
	})
}
