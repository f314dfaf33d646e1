package ocir

import "github.com/regcred/regcred/providers/kind"

// Kind registers the `ocir:` kind; its registry tokens are cached. It has
// no built-in entries: an OCI identity is not ambient the way a cloud
// machine's AWS or Google one is, so DefaultPatterns are for users to
// write into their config.
func Kind() *kind.Kind {
	return kind.New(kind.Spec[Config, *Provider]{Name: "ocir", Cached: true, New: New})
}
