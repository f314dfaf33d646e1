package vault_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/vault"
)

func TestPodIdentity(t *testing.T) {
	tests := []struct {
		name            string
		auth            vault.Auth
		wantPod         bool
		wantAnnotations []string
	}{
		{name: "token", wantPod: false},
		{name: "approle", auth: vault.Auth{Method: "approle", RoleID: "r"}, wantPod: false},
		{name: "aws", auth: vault.Auth{Method: "aws"}, wantPod: false},
		{name: "kubernetes with the pod's token", auth: vault.Auth{Method: "kubernetes", Role: "r"}, wantPod: true},
		{name: "kubernetes with a node token file", auth: vault.Auth{Method: "kubernetes", Role: "r", JWTFile: "/t"}, wantPod: false},
		{name: "jwt with role annotation", auth: vault.Auth{Method: "jwt", RoleAnnotation: "x/role"}, wantPod: true, wantAnnotations: []string{"x/role"}},
		{name: "oidc", auth: vault.Auth{Method: "oidc"}, wantPod: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c providers.PodIdentity = vault.Config{Auth: tt.auth}
			assert.Equal(t, tt.wantPod, c.UsesPodIdentity(), "UsesPodIdentity")
			assert.Equal(t, tt.wantAnnotations, c.PodAnnotations(), "PodAnnotations")
		})
	}
}
