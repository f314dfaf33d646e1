package acr

import (
	"github.com/regcred/regcred/providers/anonymous"
	"github.com/regcred/regcred/providers/kind"
)

// Kind registers the `acr:` kind: cached refresh tokens, and built-in
// entries for every ACR login server.
func Kind() *kind.Kind {
	return kind.New(kind.Spec[Config, *Provider]{Name: "acr", Cached: true, Defaults: defaults, New: New})
}

// defaults are the built-in ACR entries, on DefaultPatterns with ambient
// identity, each followed by an `anonymous` entry: a registry may allow
// anonymous pulls, which a machine without an Azure identity must still
// make, as it would with no helper at all.
func defaults() []kind.Default {
	var out []kind.Default
	anon := anonymous.Kind()
	for _, p := range DefaultPatterns() {
		out = append(out, kind.Default{Match: p, Name: "built-in ACR"},
			kind.Default{Match: p, Name: "built-in ACR, anonymous", Kind: anon})
	}
	return out
}
