package gcr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

const wip = "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/cluster-pool/providers/cluster"

func TestValidate(t *testing.T) {
	cases := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"empty means ADC", Config{}, ""},
		{"key file", Config{CredentialsFile: "/etc/regcred/sa.json"}, ""},
		{"home relative", Config{CredentialsFile: "~/sa.json"}, ""},
		{"blank file", Config{CredentialsFile: "  "}, "credentialsFile"},
		{"control in file", Config{CredentialsFile: "/etc/sa\n.json"}, "credentialsFile"},
		{"scopes", Config{Scopes: []string{DefaultScope, "https://www.googleapis.com/auth/devstorage.read_only"}}, ""},
		{"empty scope", Config{Scopes: []string{""}}, "scopes[0]"},
		{"two scopes in one", Config{Scopes: []string{DefaultScope, "a b"}}, "scopes[1]"},
		{"impersonate e-mail", Config{ImpersonateServiceAccount: "pull@proj.iam.gserviceaccount.com"}, ""},
		{"impersonate unique id", Config{ImpersonateServiceAccount: "112233445566778899"}, ""},
		{"impersonate name only", Config{ImpersonateServiceAccount: "puller"}, "impersonateServiceAccount"},
		{"impersonate path trick", Config{ImpersonateServiceAccount: "a@b.com/../x"}, "impersonateServiceAccount"},
		{"impersonate no domain dot", Config{ImpersonateServiceAccount: "a@b"}, "impersonateServiceAccount"},
		{"source adc", Config{Source: "adc"}, ""},
		{"source gcloud", Config{Source: "gcloud", GcloudPath: "/usr/bin/gcloud"}, ""},
		{"unknown source", Config{Source: "env"}, "source must be"},
		{"gcloudPath without gcloud", Config{GcloudPath: "/usr/bin/gcloud"}, "gcloudPath only applies"},
		{"gcloud and a key file", Config{Source: "gcloud", CredentialsFile: "/sa.json"}, "not credentialsFile"},
		{"gcloudPath with control", Config{Source: "gcloud", GcloudPath: "/bin/g\ncloud\x00"}, "gcloudPath"},
		{"pool provider", Config{WorkloadIdentityProvider: wip}, ""},
		{"pool provider, fixed account", Config{WorkloadIdentityProvider: wip, ImpersonateServiceAccount: "a@p.iam.gserviceaccount.com"}, ""},
		{"pool provider by annotation", Config{WorkloadIdentityProviderAnnotation: "example.com/wip", ServiceAccountAnnotation: "iam.gke.io/gcp-service-account"}, ""},
		{"pool provider without //", Config{WorkloadIdentityProvider: "iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/pool/providers/prov"}, "workloadIdentityProvider must be"},
		{"pool provider with a name for a number", Config{WorkloadIdentityProvider: "//iam.googleapis.com/projects/proj/locations/global/workloadIdentityPools/pool/providers/prov"}, "workloadIdentityProvider must be"},
		{"annotation with a space", Config{WorkloadIdentityProvider: wip, ServiceAccountAnnotation: "iam gke"}, "serviceAccountAnnotation must be"},
		{"account annotation without the pod's token", Config{ServiceAccountAnnotation: "iam.gke.io/gcp-service-account"}, "needs workloadIdentityProvider"},
		{"pod and a key file", Config{WorkloadIdentityProvider: wip, CredentialsFile: "/sa.json"}, "does not combine"},
		{"pod and gcloud", Config{WorkloadIdentityProvider: wip, Source: "gcloud"}, "does not combine"},
		{"sts on loopback http", Config{STSEndpoint: "http://127.0.0.1:8080", IAMCredentialsEndpoint: "https://iam.example"}, ""},
		{"sts over http", Config{STSEndpoint: "http://sts.example"}, "stsEndpoint http://sts.example would carry tokens without TLS"},
		{"iam not a URL", Config{IAMCredentialsEndpoint: "iamcredentials.googleapis.com"}, "iamCredentialsEndpoint must be a base URL"},
		{"iam with user info", Config{IAMCredentialsEndpoint: "https://u:p@iam.example"}, "iamCredentialsEndpoint must be a base URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.wantErr == "" {
				require.NoError(t, err, "Validate")
				return
			}
			testkit.WantErr(t, err, providers.ErrInvalid, tc.wantErr)
		})
	}
}

func TestEnvKeys(t *testing.T) {
	adc := Config{}.EnvKeys()
	assert.Subset(t, adc, []string{"GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_CONFIG", "HOME", "GCE_METADATA_HOST", "GOOGLE_CLOUD_PROJECT"})
	assert.Empty(t, Config{CredentialsFile: "/sa.json"}.EnvKeys(), "with a credentials file the environment selects nothing")
	assert.Empty(t, Config{WorkloadIdentityProvider: wip}.EnvKeys(), "a pod's identity is its token, not the node's environment")
	var _ providers.AmbientEnv = Config{}
}

func TestTokenScopes(t *testing.T) {
	ro := "https://www.googleapis.com/auth/devstorage.read_only"
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{name: "none means the default", cfg: Config{}, want: []string{DefaultScope}},
		{name: "empty list means the default", cfg: Config{Scopes: []string{}}, want: []string{DefaultScope}},
		{name: "the entry's, in order", cfg: Config{Scopes: []string{ro, DefaultScope}}, want: []string{ro, DefaultScope}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.cfg.TokenScopes())
		})
	}
}
