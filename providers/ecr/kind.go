package ecr

import (
	"slices"

	"github.com/regcred/regcred/providers/anonymous"
	"github.com/regcred/regcred/providers/kind"
)

// Kind registers the `ecr:` kind: cached tokens, and built-in entries for
// every ECR host.
func Kind() *kind.Kind {
	return kind.New(kind.Spec[Config, *Provider]{Name: "ecr", Cached: true, Defaults: defaults, New: New})
}

// defaults are the built-in ECR entries, on DefaultPatterns with ambient
// credentials. ECR Public serves public images, so a machine without AWS
// credentials must still pull them, as it would with no helper at all:
// an `anonymous` entry follows each ECR Public host. Private ECR has no
// anonymous access, so there AWS's error is the useful answer.
func defaults() []kind.Default {
	var out []kind.Default
	anon := anonymous.Kind()
	for _, p := range DefaultPatterns() {
		out = append(out, kind.Default{Match: p, Name: "built-in ECR"})
		if slices.Contains(PublicHosts(), p) {
			out = append(out, kind.Default{Match: p, Name: "built-in ECR Public, anonymous", Kind: anon})
		}
	}
	return out
}
