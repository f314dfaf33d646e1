package anonymous

import "github.com/regcred/regcred/providers/kind"

// Kind registers the `anonymous:` kind. Not cached: there is nothing to
// keep.
func Kind() *kind.Kind {
	return kind.New(kind.Spec[Config, *Provider]{Name: "anonymous", New: kind.Local(New)})
}
