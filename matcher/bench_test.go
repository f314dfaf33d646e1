package matcher

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkNormalizeOrder measures the hot path of every `get`: read the
// request, find and order the matching entries of a typical config.
func BenchmarkNormalizeOrder(b *testing.B) {
	config := []string{
		"example.registry.io/abc", ecrPat, "us-docker.pkg.dev", "docker.io",
		"us.icr.io", "mcr.microsoft.com", "*.gcr.io", "gcr.io", "*-docker.pkg.dev",
		"public.ecr.aws", "ghcr.io/myorg", "ghcr.io",
	}
	patterns := make([]Pattern, len(config))
	for i, s := range config {
		p, err := ParsePattern(s)
		require.NoError(b, err)
		patterns[i] = p
	}
	for _, bc := range []struct{ name, request string }{
		{name: "docker hub", request: "https://index.docker.io/v1/"},
		{name: "host", request: "ghcr.io"},
		{name: "ecr image", request: ecrID + "/team/app:latest"},
		{name: "no match", request: "quay.io"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				t, err := Normalize(bc.request)
				require.NoError(b, err)
				Order(patterns, t)
			}
		})
	}
}
