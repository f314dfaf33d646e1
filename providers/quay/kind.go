package quay

import "github.com/regcred/regcred/providers/kind"

// Kind registers the `quay:` kind: cached robot tokens.
func Kind() *kind.Kind {
	return kind.New(kind.Spec[Config, *Provider]{Name: "quay", Cached: true, New: New})
}
