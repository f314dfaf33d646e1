package config

import (
	"fmt"
	"slices"

	"github.com/regcred/regcred/providers/anonymous"
	"github.com/regcred/regcred/providers/ecr"
	"github.com/regcred/regcred/providers/gcr"
)

// BuiltinEntries are the cloud registries that work with ambient
// credentials and no config file at all: ECR (private and public) and
// GCR / Artifact Registry. They are appended after the file's entries
// unless the file says `defaults: false`. Their patterns are per-label
// globs; each backend re-checks the host with an anchored expression, so a
// token never goes to a look-alike host.
//
// Registries that serve public images (ECR Public, GCR and Artifact
// Registry) get an `anonymous` fallback after their cloud entry: a machine
// without cloud credentials must still pull public images, as it would with
// no helper at all, instead of failing on "no AWS credentials". Private ECR
// has no anonymous access, so there the cloud's error is the useful answer.
func BuiltinEntries() []*Entry {
	ks := kinds()
	var out []*Entry
	for _, p := range ecr.DefaultPatterns() {
		out = append(out, builtin(ks, Entry{Match: p, Name: "built-in ECR", ECR: &ecr.Config{}}))
		if isPublicECR(p) {
			out = append(out, builtin(ks, Entry{Match: p, Name: "built-in ECR Public, anonymous", Anonymous: &anonymous.Config{}}))
		}
	}
	for _, p := range gcr.DefaultPatterns() {
		out = append(out, builtin(ks, Entry{Match: p, Name: "built-in Google", GCR: &gcr.Config{}}),
			builtin(ks, Entry{Match: p, Name: "built-in Google, anonymous", Anonymous: &anonymous.Config{}}))
	}
	return out
}

// isPublicECR says whether an ecr.DefaultPatterns pattern is an ECR Public host.
func isPublicECR(pattern string) bool {
	return slices.Contains(ecr.PublicHosts(), pattern)
}

func builtin(ks []*Kind, e Entry) *Entry {
	e.source = "built-in"
	if err := e.prepare(ks); err != nil {
		// The patterns are constants of ours; a bad one is a bug that the
		// builtin test catches, not something a user can cause.
		panic(fmt.Sprintf("built-in entry %s: %v", e.Match, err))
	}
	return &e
}
