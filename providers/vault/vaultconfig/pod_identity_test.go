package vaultconfig_test

import (
	"slices"
	"testing"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/vault/vaultconfig"
)

func TestPodIdentity(t *testing.T) {
	tests := []struct {
		name            string
		auth            vaultconfig.Auth
		wantPod         bool
		wantAnnotations []string
	}{
		{name: "token", wantPod: false},
		{name: "approle", auth: vaultconfig.Auth{Method: "approle", RoleID: "r"}, wantPod: false},
		{name: "aws", auth: vaultconfig.Auth{Method: "aws"}, wantPod: false},
		{name: "kubernetes with the pod's token", auth: vaultconfig.Auth{Method: "kubernetes", Role: "r"}, wantPod: true},
		{name: "kubernetes with a node token file", auth: vaultconfig.Auth{Method: "kubernetes", Role: "r", JWTFile: "/t"}, wantPod: false},
		{name: "jwt with role annotation", auth: vaultconfig.Auth{Method: "jwt", RoleAnnotation: "x/role"}, wantPod: true, wantAnnotations: []string{"x/role"}},
		{name: "oidc", auth: vaultconfig.Auth{Method: "oidc"}, wantPod: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c providers.PodIdentity = vaultconfig.Config{Auth: tt.auth}
			if got := c.UsesPodIdentity(); got != tt.wantPod {
				t.Errorf("UsesPodIdentity = %v, want %v", got, tt.wantPod)
			}
			if got := c.PodAnnotations(); !slices.Equal(got, tt.wantAnnotations) {
				t.Errorf("PodAnnotations = %v, want %v", got, tt.wantAnnotations)
			}
		})
	}
}
