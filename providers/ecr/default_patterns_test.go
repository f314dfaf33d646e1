package ecr_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers/ecr"
)

// matchesDefault reports whether any built-in pattern covers the request,
// using the same matcher the resolver uses.
func matchesDefault(t *testing.T, request string) (matcher.Target, bool) {
	t.Helper()
	target, err := matcher.Normalize(request)
	require.NoError(t, err, "Normalize(%q)", request)
	for _, s := range ecr.DefaultPatterns() {
		p, err := matcher.ParsePattern(s)
		require.NoError(t, err, "built-in pattern %q does not parse", s)
		if p.Match(target) {
			return target, true
		}
	}
	return target, false
}

func TestDefaultPatternsCoverECRHosts(t *testing.T) {
	tests := []struct{ name, request string }{
		{"commercial", "123456789012.dkr.ecr.us-east-1.amazonaws.com"},
		{"image reference", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.0"},
		{"docker URL form", "https://123456789012.dkr.ecr.ap-southeast-2.amazonaws.com"},
		{"fips", "123456789012.dkr.ecr-fips.us-gov-east-1.amazonaws.com"},
		{"dual-stack", "123456789012.dkr-ecr.us-west-2.on.aws"},
		{"dual-stack fips", "123456789012.dkr-ecr-fips.us-east-1.on.aws"},
		{"china", "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"},
		{"china dual-stack", "123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn"},
		{"eu sovereign", "123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu"},
		{"iso", "123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov"},
		{"iso-b", "123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov"},
		{"iso-e", "123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk"},
		{"iso-f", "123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov"},
		{"public", "public.ecr.aws"},
		{"public image", "public.ecr.aws/nginx/nginx:latest"},
		{"public dual-stack", "ecr-public.aws.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ok := matchesDefault(t, tt.request)
			assert.True(t, ok, "no built-in ECR pattern matches %q", tt.request)
		})
	}
}

func TestUnrelatedHostsMatchNoDefaultPattern(t *testing.T) {
	for _, request := range []string{
		"docker.io", "ghcr.io", "gcr.io", "us-docker.pkg.dev",
		"123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example",
		"public.ecr.aws.evil.example", "evil.public.ecr.aws",
		"123456789012.dkr.ecr.us-east-1.amazonaws.com:5000",
	} {
		_, ok := matchesDefault(t, request)
		assert.False(t, ok, "a built-in ECR pattern matches %q", request)
	}
}
