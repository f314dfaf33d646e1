package gcr

import (
	"slices"
	"testing"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
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
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			wantErr(t, err, providers.ErrInvalid, tc.wantErr)
			if _, nerr := New(tc.cfg, netdeps.Deps{}); nerr == nil {
				t.Error("New accepted a config Validate refuses")
			}
		})
	}
}

func TestEnvKeys(t *testing.T) {
	adc := Config{}.EnvKeys()
	for _, k := range []string{"GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_CONFIG", "HOME", "GCE_METADATA_HOST", "GOOGLE_CLOUD_PROJECT"} {
		if !slices.Contains(adc, k) {
			t.Errorf("EnvKeys() lacks %s: %v", k, adc)
		}
	}
	if got := (Config{CredentialsFile: "/sa.json"}).EnvKeys(); len(got) != 0 {
		t.Errorf("with a credentials file the environment selects nothing, got %v", got)
	}
	var _ providers.AmbientEnv = Config{}
}
