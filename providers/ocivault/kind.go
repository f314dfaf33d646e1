package ocivault

import "github.com/regcred/regcred/providers/kind"

// Kind registers the `ocivault:` kind; its secrets are cached.
func Kind() *kind.Kind {
	return kind.New(kind.Spec[Config, *Provider]{Name: "ocivault", Cached: true, New: New})
}
