package dockerhub

import "github.com/regcred/regcred/providers/kind"

// Kind registers the `dockerhub:` kind: cached access tokens.
func Kind() *kind.Kind {
	return kind.New(kind.Spec[Config, *Provider]{Name: "dockerhub", Cached: true, New: New})
}
