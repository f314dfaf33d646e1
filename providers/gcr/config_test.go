package gcr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

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
