package ocitest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// CheckEnvKeys runs the one table of which variables select an OCI
// entry's identity through envKeys, which builds the backend's entry from
// the three settings and returns its EnvKeys. Every backend that signs
// with ociauth.Settings must answer the same.
func CheckEnvKeys(t *testing.T, envKeys func(auth, configFile, profile string) []string) {
	t.Helper()
	tests := []struct {
		name                      string
		auth, configFile, profile string
		want, wantNot             []string
	}{
		{name: "default config file", want: []string{"OCI_CONFIG_FILE", "OCI_CLI_CONFIG_FILE", "OCI_CLI_PROFILE", "HOME"}},
		{name: "explicit file and profile", configFile: "/etc/oci", profile: "P", wantNot: []string{"OCI_CONFIG_FILE", "OCI_CLI_PROFILE", "HOME"}},
		{name: "instance principal", auth: "instance_principal", want: []string{"OCI_METADATA_BASE_URL", "OCI_SDK_AUTH_CLIENT_REGION_URL"}, wantNot: []string{"OCI_CONFIG_FILE"}},
		{name: "resource principal", auth: "resource_principal", want: []string{"OCI_RESOURCE_PRINCIPAL_VERSION", "OCI_RESOURCE_PRINCIPAL_RPST", "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM"}},
		{name: "workload identity", auth: "oke_workload_identity", want: []string{"OCI_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH", "KUBERNETES_SERVICE_HOST"}, wantNot: []string{"OCI_CLI_PROFILE"}},
		{name: "unknown auth", auth: "basic", wantNot: []string{"HOME", "OCI_CONFIG_FILE"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := envKeys(tc.auth, tc.configFile, tc.profile)
			assert.Subset(t, got, tc.want)
			for _, k := range tc.wantNot {
				assert.NotContains(t, got, k)
			}
		})
	}
}
