package ociauth

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSettingsMethodAliases(t *testing.T) {
	tests := []struct{ auth, want string }{
		{"", AuthConfigFile}, {"api_key", AuthConfigFile}, {"CONFIG_FILE", AuthConfigFile},
		{"security_token", AuthSessionToken}, {"instance_principal", AuthInstancePrincipal},
		{"resource_principal", AuthResourcePrincipal}, {"oke_workload_identity", AuthOKEWorkloadIdentity},
		{"instance_obo_user", ""},
	}
	for _, tc := range tests {
		t.Run(tc.auth, func(t *testing.T) {
			assert.Equal(t, tc.want, (Settings{Auth: tc.auth}).Method(), "Method()")
		})
	}
}
