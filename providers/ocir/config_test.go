package ocir

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		field string
	}{
		{name: "empty", cfg: Config{}},
		{name: "instance principal", cfg: Config{Auth: "instance_principal"}},
		{name: "profile", cfg: Config{Auth: "config_file", Profile: "P", ConfigFile: "/etc/oci/config"}},
		{name: "unknown auth", cfg: Config{Auth: "basic"}, field: "auth"},
		{name: "profile with principal", cfg: Config{Auth: "resource_principal", Profile: "P"}, field: "profile"},
		{name: "plain http", cfg: Config{Endpoint: "http://registry.example.com"}, field: "endpoint"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			if !errors.Is(err, providers.ErrInvalid) || !strings.Contains(err.Error(), tc.field) || !strings.Contains(err.Error(), "ocir: ") {
				t.Fatalf("err = %v, want ErrInvalid naming %s", err, tc.field)
			}
		})
	}
}

func TestEnvKeys(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		want    []string
		wantNot []string
	}{
		{name: "default config file", cfg: Config{}, want: []string{"OCI_CONFIG_FILE", "OCI_CLI_CONFIG_FILE", "OCI_CLI_PROFILE", "HOME"}},
		{name: "explicit file and profile", cfg: Config{ConfigFile: "/etc/oci", Profile: "P"}, wantNot: []string{"OCI_CONFIG_FILE", "OCI_CLI_PROFILE", "HOME"}},
		{name: "instance principal", cfg: Config{Auth: "instance_principal"}, want: []string{"OCI_METADATA_BASE_URL", "OCI_SDK_AUTH_CLIENT_REGION_URL"}, wantNot: []string{"OCI_CONFIG_FILE"}},
		{name: "resource principal", cfg: Config{Auth: "resource_principal"}, want: []string{"OCI_RESOURCE_PRINCIPAL_VERSION", "OCI_RESOURCE_PRINCIPAL_RPST", "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM"}},
		{name: "workload identity", cfg: Config{Auth: "oke_workload_identity"}, want: []string{"OCI_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH", "KUBERNETES_SERVICE_HOST"}, wantNot: []string{"OCI_CLI_PROFILE"}},
		{name: "unknown auth", cfg: Config{Auth: "basic"}, wantNot: []string{"HOME", "OCI_CONFIG_FILE"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.cfg.EnvKeys()
			for _, k := range tc.want {
				if !slices.Contains(got, k) {
					t.Errorf("EnvKeys() = %v, missing %s", got, k)
				}
			}
			for _, k := range tc.wantNot {
				if slices.Contains(got, k) {
					t.Errorf("EnvKeys() = %v, should not have %s", got, k)
				}
			}
		})
	}
}
