package ecr

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

func TestParseHostAccepts(t *testing.T) {
	tests := []struct {
		name, host      string
		public          bool
		account         string
		region          string
		fips, dualStack bool
	}{
		{name: "commercial", host: "123456789012.dkr.ecr.us-east-1.amazonaws.com", account: "123456789012", region: "us-east-1"},
		{name: "fips", host: "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", account: "123456789012", region: "us-gov-west-1", fips: true},
		{name: "dual-stack", host: "210987654321.dkr-ecr.eu-central-1.on.aws", account: "210987654321", region: "eu-central-1", dualStack: true},
		{name: "dual-stack fips", host: "123456789012.dkr-ecr-fips.us-east-2.on.aws", account: "123456789012", region: "us-east-2", fips: true, dualStack: true},
		{name: "china", host: "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", account: "123456789012", region: "cn-north-1"},
		{name: "china dual-stack", host: "123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn", account: "123456789012", region: "cn-northwest-1", dualStack: true},
		{name: "eu sovereign", host: "123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu", account: "123456789012", region: "eusc-de-east-1"},
		{name: "iso", host: "123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov", account: "123456789012", region: "us-iso-east-1"},
		{name: "iso-b", host: "123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov", account: "123456789012", region: "us-isob-east-1"},
		{name: "iso-e", host: "123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk", account: "123456789012", region: "eu-isoe-west-1"},
		{name: "iso-f", host: "123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov", account: "123456789012", region: "us-isof-south-1"},
		{name: "public", host: "public.ecr.aws", public: true, region: "us-east-1"},
		{name: "public dual-stack", host: "ecr-public.aws.com", public: true, region: "us-east-1", dualStack: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseHost(tt.host)
			require.NoError(t, err, "parseHost(%q)", tt.host)
			want := target{host: tt.host, public: tt.public, account: tt.account, region: tt.region, fips: tt.fips, dualStack: tt.dualStack}
			assert.Equal(t, want, got)
		})
	}
}

func TestParseHostRefusesLookAlikes(t *testing.T) {
	tests := []struct{ name, host string }{
		{"suffix appended", "123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example"},
		{"suffix appended to public", "public.ecr.aws.evil.example"},
		{"prefix before account", "evil123456789012.dkr.ecr.us-east-1.amazonaws.com"},
		{"label before account", "evil.123456789012.dkr.ecr.us-east-1.amazonaws.com"},
		{"label before public", "evil.public.ecr.aws"},
		{"11-digit account", "12345678901.dkr.ecr.us-east-1.amazonaws.com"},
		{"13-digit account", "1234567890123.dkr.ecr.us-east-1.amazonaws.com"},
		{"letters in account", "12345678901a.dkr.ecr.us-east-1.amazonaws.com"},
		{"no account", "dkr.ecr.us-east-1.amazonaws.com"},
		{"glob-matching non-account", "evil.dkr.ecr.us-east-1.amazonaws.com"},
		{"other domain", "123456789012.dkr.ecr.us-east-1.amazonaws.com-evil.example"},
		{"look-alike domain", "123456789012.dkr.ecr.us-east-1.amazonavvs.com"},
		{"missing region", "123456789012.dkr.ecr.amazonaws.com"},
		{"two-label region", "123456789012.dkr.ecr.us.east-1.amazonaws.com"},
		{"underscore region", "123456789012.dkr.ecr.us_east_1.amazonaws.com"},
		{"leading dash region", "123456789012.dkr.ecr.-us-east-1.amazonaws.com"},
		{"wrong service", "123456789012.dkr.ecs.us-east-1.amazonaws.com"},
		{"api host", "api.ecr.us-east-1.amazonaws.com"},
		{"other fips spelling", "123456789012.dkr.ecr.fips.us-east-1.amazonaws.com"},
		{"port", "123456789012.dkr.ecr.us-east-1.amazonaws.com:5000"},
		{"path", "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo"},
		{"trailing dot", "123456789012.dkr.ecr.us-east-1.amazonaws.com."},
		{"newline", "123456789012.dkr.ecr.us-east-1.amazonaws.com\nevil"},
		{"upper case", "123456789012.DKR.ECR.us-east-1.amazonaws.com"},
		{"on.aws without dual-stack region label", "123456789012.dkr-ecr.on.aws"},
		{"ecr public look-alike", "public-ecr.aws"},
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseHost(tt.host)
			testkit.WantErr(t, err, providers.ErrInvalid, "not an Amazon ECR registry host")
		})
	}
}

func TestDefaultPatternsAreGlobsOfAcceptedHosts(t *testing.T) {
	// Every pattern, with its globs filled in the way ECR fills them, must
	// be a host parseHost accepts: the two lists cannot drift apart.
	for _, pat := range DefaultPatterns() {
		host := strings.Replace(pat, "*", "123456789012", 1)
		host = strings.Replace(host, "*", "us-east-1", 1)
		assert.NotContains(t, host, "*", "pattern %q has more than two globs", pat)
		_, err := parseHost(host)
		assert.NoError(t, err, "pattern %q: filled-in host %q is refused", pat, host)
	}
}
