package jfrog

import "github.com/regcred/regcred/providers/kind"

// Kind registers the `jfrog:` kind: cached access tokens.
func Kind() *kind.Kind {
	return kind.New(kind.Spec[Config, *Provider]{Name: "jfrog", Cached: true, New: New})
}
