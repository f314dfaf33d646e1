package static

import "github.com/regcred/regcred/providers/kind"

// Kind registers the `static:` kind. Not cached: its sources are local.
func Kind() *kind.Kind {
	return kind.New(kind.Spec[Config, *Provider]{Name: "static", New: kind.Local(New)})
}
