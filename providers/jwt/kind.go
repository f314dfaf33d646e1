package jwt

import "github.com/regcred/regcred/providers/kind"

// Kind registers the `jwt:` kind. Not cached: the identity token is the
// credential, and it never goes to disk.
func Kind() *kind.Kind {
	return kind.New(kind.Spec[Config, *Provider]{Name: "jwt", New: New})
}
