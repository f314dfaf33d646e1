package ocir

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/matcher"
)

func TestIsOCIRHost(t *testing.T) {
	tests := []struct {
		name string
		host string
		want bool
	}{
		{name: "region key", host: "iad.ocir.io", want: true},
		{name: "region name", host: "us-ashburn-1.ocir.io", want: true},
		{name: "new style", host: "ocir.us-ashburn-1.oci.oraclecloud.com", want: true},
		{name: "bare ocir.io", host: "ocir.io", want: false},
		{name: "two labels", host: "a.iad.ocir.io", want: false},
		{name: "suffix attack", host: "iad.ocir.io.evil.example", want: false},
		{name: "glued", host: "evilocir.io", want: false},
		{name: "port", host: "iad.ocir.io:443", want: false},
		{name: "upper case (not normalised)", host: "IAD.ocir.io", want: false},
		{name: "new style, other domain", host: "ocir.us-ashburn-1.oci.oraclecloud.com.evil", want: false},
		{name: "new style, missing region", host: "ocir.oci.oraclecloud.com", want: false},
		{name: "leading hyphen", host: "-iad.ocir.io", want: false},
		{name: "path", host: "iad.ocir.io/ns/repo", want: false},
		{name: "empty", host: "", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, IsOCIRHost(tc.host))
		})
	}
}

// TestDefaultPatternsCoverOCIRHosts checks the built-in patterns with the
// matcher the resolver uses: every host IsOCIRHost accepts is matched, so
// an entry on DefaultPatterns never misses a real OCIR registry.
func TestDefaultPatternsCoverOCIRHosts(t *testing.T) {
	var patterns []matcher.Pattern
	for _, s := range DefaultPatterns() {
		p, err := matcher.ParsePattern(s)
		require.NoError(t, err, "built-in pattern %q does not parse", s)
		patterns = append(patterns, p)
	}
	tests := []struct{ name, request string }{
		{name: "region key", request: "iad.ocir.io"},
		{name: "region name", request: "us-ashburn-1.ocir.io"},
		{name: "new style", request: "ocir.us-ashburn-1.oci.oraclecloud.com"},
		{name: "image reference", request: "fra.ocir.io/tenancy-ns/app:1.0"},
		{name: "docker URL form", request: "https://ocir.eu-frankfurt-1.oci.oraclecloud.com"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target, err := matcher.Normalize(tc.request)
			require.NoError(t, err, "Normalize(%q)", tc.request)
			require.True(t, IsOCIRHost(target.Registry()), "IsOCIRHost(%q) = false; the case is not an OCIR host", target.Registry())
			assert.NotNil(t, matcher.Order(patterns, target), "no built-in OCIR pattern matches %q", tc.request)
		})
	}
}
