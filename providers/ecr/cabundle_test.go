package ecr

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// TestCABundle: behind a TLS-inspecting proxy (an endpoint whose
// certificate no system trusts), the AWS CA bundle — AWS_CA_BUNDLE, else
// the profile's ca_bundle — is what the calls trust, as the AWS CLI's do;
// without one the call fails. A token fetched through a bundle records no
// recipe: the lean fetcher trusts the system's roots only.
func TestCABundle(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, home, bundle string)
		wantErr string
	}{
		{name: "AWS_CA_BUNDLE", setup: func(t *testing.T, _, bundle string) { t.Setenv("AWS_CA_BUNDLE", bundle) }},
		{name: "the profile's ca_bundle", setup: func(t *testing.T, home, bundle string) {
			testkit.WriteFile(t, filepath.Join(home, ".aws", "config"), "[default]\nca_bundle = "+bundle+"\n")
		}},
		{name: "none", setup: func(*testing.T, string, string) {}, wantErr: "certificate"},
		{name: "a bundle that is not PEM", setup: func(t *testing.T, home, _ string) {
			junk := filepath.Join(home, "junk.pem")
			testkit.WriteFile(t, junk, "not a certificate")
			t.Setenv("AWS_CA_BUNDLE", junk)
		}, wantErr: "CA bundle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := isolate(t)
			cloud := ecrtest.New(t, ecrtest.WithTLS())
			keys := userEnv(t, cloud)
			bundle := filepath.Join(home, "proxy-ca.pem")
			require.NoError(t, os.WriteFile(bundle, cloud.CACertPEM(), 0o600))
			tt.setup(t, home, bundle)
			p, _ := newProvider(t, Config{Endpoint: cloud.ECRURL()})
			cred, err := get(p, testHost)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.Zero(t, cloud.Calls(ecrtest.ECR), "a request reached ECR")
				return
			}
			require.NoError(t, err, "fake rejected: %v", cloud.Rejections())
			checkIssued(t, cloud, cred, keys.ARN, "us-west-2", false)
			assert.True(t, cred.Recipe.IsZero(), "a recipe for a call through a CA bundle: %+v", cred.Recipe)
		})
	}
}
