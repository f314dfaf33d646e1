package vault

import "github.com/regcred/regcred/providers/kind"

// Kind registers the `vault:` kind; its secrets and tokens are cached.
func Kind() *kind.Kind {
	return kind.New(kind.Spec[Config, *Provider]{Name: "vault", Cached: true, New: New})
}
