package gcr

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/gcr/gcrtest"
)

var hostCases = []struct {
	name   string
	host   string
	google bool
}{
	{"container registry", "gcr.io", true},
	{"regional gcr", "us.gcr.io", true},
	{"eu gcr", "eu.gcr.io", true},
	{"marketplace", "marketplace.gcr.io", true},
	{"hyphenated gcr label", "staging-k8s.gcr.io", true},
	{"upper case", "GCR.IO", true},
	{"artifact registry multi-region", "us-docker.pkg.dev", true},
	{"artifact registry region", "europe-west1-docker.pkg.dev", true},
	{"regional endpoint", "docker.us-central1.rep.pkg.dev", true},
	{"suffix look-alike", "gcr.io.evil.example", false},
	{"prefix look-alike", "evilgcr.io", false},
	{"hyphen look-alike", "evil-gcr.io", false},
	{"two labels under gcr.io", "a.b.gcr.io", false},
	{"empty label", ".gcr.io", false},
	{"trailing dot", "gcr.io.", false},
	{"gcr port", "gcr.io:5000", false},
	{"gcr 443 not normalised", "gcr.io:443", false},
	{"punycode look-alike", "xn--gcr-8na.io", false},
	{"userinfo trick", "gcr.io@evil.example", false},
	{"path trick", "gcr.io/evil", false},
	{"ar suffix look-alike", "us-docker.pkg.dev.evil.example", false},
	{"ar port", "us-docker.pkg.dev:8443", false},
	{"bare pkg.dev", "pkg.dev", false},
	{"docker.pkg.dev", "docker.pkg.dev", false},
	{"empty region", "-docker.pkg.dev", false},
	{"double hyphen is still pkg.dev", "us--docker.pkg.dev", true},
	{"no -docker", "usdocker.pkg.dev", false},
	{"dot instead of hyphen", "us.docker.pkg.dev", false},
	{"other AR format", "us-python.pkg.dev", false},
	{"extra label before ar", "evil.us-docker.pkg.dev", false},
	{"rep without region", "docker.rep.pkg.dev", false},
	{"rep with two labels", "docker.a.b.rep.pkg.dev", false},
	{"rep other format", "maven.us-central1.rep.pkg.dev", false},
	{"rep port", "docker.us-central1.rep.pkg.dev:443", false},
	{"rep suffix look-alike", "docker.us.rep.pkg.dev.evil.example", false},
	{"ipv6", "[::1]", false},
	{"loopback", "127.0.0.1", false},
	{"empty", "", false},
	{"control character", "gcr.io\x00", false},
	{"docker hub", "docker.io", false},
}

func TestIsGoogleRegistry(t *testing.T) {
	for _, tc := range hostCases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.google, IsGoogleRegistry(tc.host))
		})
	}
}

// TestDefaultPatternsAreGoogleOnly checks the built-in patterns against the
// real matcher: they cover the Google hosts, and no host they match is
// refused by Credential's own check (which would make the built-in entry
// fail instead of not matching).
func TestDefaultPatternsAreGoogleOnly(t *testing.T) {
	var pats []matcher.Pattern
	for _, s := range DefaultPatterns() {
		p, err := matcher.ParsePattern(s)
		require.NoError(t, err, "ParsePattern(%q)", s)
		pats = append(pats, p)
	}
	for _, tc := range hostCases {
		t.Run(tc.name, func(t *testing.T) {
			target, err := matcher.Normalize(tc.host)
			if err != nil {
				return // the resolver refuses it before any entry is tried
			}
			matched := matcher.Order(pats, target) != nil
			assert.Equal(t, IsGoogleRegistry(target.Registry()), matched, "%q: the default patterns match what IsGoogleRegistry accepts", tc.host)
			if tc.google {
				assert.True(t, matched, "%q is a Google registry the default patterns miss", tc.host)
			}
		})
	}
}

// TestCredentialRefusesNonGoogleHosts: even an entry whose pattern matched
// (a user's "*" entry, say) never fetches, let alone hands out, a Google
// token for a look-alike host.
func TestCredentialRefusesNonGoogleHosts(t *testing.T) {
	srv := gcrtest.NewServer(t)
	sa := srv.NewServiceAccount(t, "puller@proj.iam.gserviceaccount.com")
	h := newHarness(t)
	p := h.provider(t, Config{CredentialsFile: sa.WriteKeyFile(t, t.TempDir())})
	for _, tc := range hostCases {
		if tc.google {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			cred, err := p.Credential(context.Background(), providers.Request{Registry: tc.host, Pattern: "*"})
			testkit.WantErr(t, err, providers.ErrInvalid, "not a Google registry host")
			assert.Empty(t, cred.Secret.Reveal(), "a secret was answered with the refusal")
		})
	}
	assert.Zero(t, srv.Requests("token"), "the token endpoint was asked for non-Google hosts")
	// The same provider does serve a Google host, so the refusals above
	// are about the host, not a broken setup.
	for _, host := range []string{"us.gcr.io", "us-docker.pkg.dev", "docker.us-central1.rep.pkg.dev"} {
		_, err := p.Credential(context.Background(), providers.Request{Registry: host})
		assert.NoError(t, err, host)
	}
}
