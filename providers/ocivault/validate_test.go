package ocivault

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/oci/ocitest"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		field string // "" means valid
	}{
		{name: "by OCID", cfg: Config{SecretID: testSecretID}},
		{name: "by name", cfg: Config{SecretName: "pull-secret", VaultID: testVaultID, Auth: "instance_principal"}},
		{name: "OCID without region", cfg: Config{SecretID: "ocid1.vaultsecret.oc1..amaaaaaafake", Region: "iad"}},
		{name: "every stage", cfg: Config{SecretID: testSecretID, Stage: "latest"}},
		{name: "version", cfg: Config{SecretID: testSecretID, VersionNumber: 3}},
		{name: "loopback http endpoint", cfg: Config{SecretID: testSecretID, Endpoint: "http://127.0.0.1:8080"}},
		{name: "https endpoint", cfg: Config{SecretID: testSecretID, Endpoint: "https://secrets.example.com"}},
		{name: "profile", cfg: Config{SecretID: testSecretID, ConfigFile: "~/.oci/config", Profile: "PROD", Auth: "api_key"}},
		{name: "nothing", cfg: Config{}, field: "secretId"},
		{name: "both ways", cfg: Config{SecretID: testSecretID, SecretName: "x", VaultID: testVaultID}, field: "not both"},
		{name: "name without vault", cfg: Config{SecretName: "x"}, field: "vaultId"},
		{name: "vault without name", cfg: Config{VaultID: testVaultID}, field: "secretName"},
		{name: "not a secret OCID", cfg: Config{SecretID: "ocid1.vault.oc1.iad.aaaa"}, field: "secretId"},
		{name: "not a vault OCID", cfg: Config{SecretName: "x", VaultID: "vault-1"}, field: "vaultId"},
		{name: "name with newline", cfg: Config{SecretName: "a\nb", VaultID: testVaultID}, field: "secretName"},
		{name: "unknown stage", cfg: Config{SecretID: testSecretID, Stage: "NEWEST"}, field: "stage"},
		{name: "stage and version", cfg: Config{SecretID: testSecretID, Stage: "CURRENT", VersionNumber: 2}, field: "versionNumber"},
		{name: "negative version", cfg: Config{SecretID: testSecretID, VersionNumber: -1}, field: "versionNumber"},
		{name: "unknown auth", cfg: Config{SecretID: testSecretID, Auth: "password"}, field: "auth"},
		{name: "profile with a principal", cfg: Config{SecretID: testSecretID, Auth: "instance_principal", Profile: "X"}, field: "profile"},
		{name: "bracketed profile", cfg: Config{SecretID: testSecretID, Profile: "[PROD]"}, field: "profile"},
		{name: "bad region", cfg: Config{SecretID: testSecretID, Region: "US East"}, field: "region"},
		{name: "plain http endpoint", cfg: Config{SecretID: testSecretID, Endpoint: "http://secrets.example.com"}, field: "endpoint"},
		{name: "endpoint with path", cfg: Config{SecretID: testSecretID, Endpoint: "https://h/20190301"}, field: "endpoint"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.field == "" {
				require.NoError(t, err, "Validate")
				return
			}
			testkit.WantErr(t, err, providers.ErrInvalid, tc.field)
			assert.True(t, strings.HasPrefix(err.Error(), "invalid: ocivault: "), "%q does not start with the kind", err)
		})
	}
}

func TestEnvKeys(t *testing.T) {
	ocitest.CheckEnvKeys(t, func(auth, configFile, profile string) []string {
		return Config{Auth: auth, ConfigFile: configFile, Profile: profile}.EnvKeys()
	})
}

func TestRegionFromOCID(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "from OCID", cfg: Config{SecretID: testSecretID}, want: "iad"},
		{name: "entry wins", cfg: Config{SecretID: testSecretID, Region: "eu-frankfurt-1"}, want: "eu-frankfurt-1"},
		{name: "OCID without region", cfg: Config{SecretID: "ocid1.vaultsecret.oc1..amaaaa"}, want: ""},
		{name: "from the vault's OCID", cfg: Config{SecretName: "n", VaultID: testVaultID}, want: "iad"},
		{name: "vault OCID without region", cfg: Config{SecretName: "n", VaultID: "ocid1.vault.oc1..bbbb"}, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.cfg.region(), "region()")
		})
	}
}
