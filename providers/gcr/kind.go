package gcr

import (
	"github.com/regcred/regcred/providers/anonymous"
	"github.com/regcred/regcred/providers/kind"
)

// Kind registers the `gcr:` kind: cached tokens, and built-in entries for
// Container Registry and Artifact Registry.
func Kind() *kind.Kind {
	return kind.New(kind.Spec[Config, *Provider]{Name: "gcr", Cached: true, Defaults: defaults, New: New})
}

// defaults are the built-in Google entries, on DefaultPatterns with
// Application Default Credentials, each followed by an `anonymous` entry:
// both registries serve public images, which a machine without Google
// credentials must still pull, as it would with no helper at all.
func defaults() []kind.Default {
	var out []kind.Default
	anon := anonymous.Kind()
	for _, p := range DefaultPatterns() {
		out = append(out, kind.Default{Match: p, Name: "built-in Google"},
			kind.Default{Match: p, Name: "built-in Google, anonymous", Kind: anon})
	}
	return out
}
