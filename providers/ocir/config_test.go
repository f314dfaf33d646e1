package ocir

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/oci/ocitest"
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
			testkit.WantErr(t, err, providers.ErrInvalid, "ocir: ", tc.field)
		})
	}
}

func TestEnvKeys(t *testing.T) {
	ocitest.CheckEnvKeys(t, func(auth, configFile, profile string) []string {
		return Config{Auth: auth, ConfigFile: configFile, Profile: profile}.EnvKeys()
	})
}
