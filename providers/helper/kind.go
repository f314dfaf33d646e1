package helper

import "github.com/regcred/regcred/providers/kind"

// Kind registers the `helper:` kind. Not cached: the helper is a store of
// its own, and caching would make a second copy of its secret.
func Kind() *kind.Kind {
	return kind.New(kind.Spec[Config, *Provider]{Name: "helper", New: kind.Local(New)})
}
