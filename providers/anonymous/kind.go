package anonymous

import (
	"github.com/regcred/regcred/providers/kind"
	"github.com/regcred/regcred/providers/netdeps"
)

// Kind registers the `anonymous:` kind. Not cached: there is nothing to
// keep.
func Kind() *kind.Kind {
	return kind.New(kind.Spec[Config, *Provider]{
		Name: "anonymous",
		New:  func(c Config, d netdeps.Deps) (*Provider, error) { return New(c, d.Deps) },
	})
}
