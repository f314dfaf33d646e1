package vault_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/vault"
)

func TestEnvKeys(t *testing.T) {
	base := []string{"VAULT_ADDR", "VAULT_NAMESPACE", "VAULT_TOKEN"}
	tests := []struct {
		name string
		auth vault.Auth
		want []string
	}{
		{name: "token from the environment or ~/.vault-token", want: append(base, "HOME")},
		{name: "token file", auth: vault.Auth{TokenFile: "/t"}, want: base},
		{name: "approle", auth: vault.Auth{Method: "approle"}, want: base},
		{name: "cert", auth: vault.Auth{Method: "cert"}, want: append(base, "VAULT_CLIENT_CERT", "VAULT_CLIENT_KEY")},
		{name: "aws", auth: vault.Auth{Method: "aws"}, want: append(base, "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
			"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c providers.AmbientEnv = vault.Config{Auth: tt.auth}
			assert.Equal(t, tt.want, c.EnvKeys())
		})
	}
}

func TestIdentityFiles(t *testing.T) {
	tests := []struct {
		name string
		auth vault.Auth
		env  map[string]string
		want []string
	}{
		{name: "~/.vault-token by default", env: map[string]string{"HOME": "/home/ci"}, want: []string{"/home/ci/.vault-token"}},
		{name: "explicit token method", auth: vault.Auth{Method: "token"}, env: map[string]string{"HOME": "/home/ci"}, want: []string{"/home/ci/.vault-token"}},
		{name: "no HOME, no file", want: nil},
		{name: "empty HOME, no file", env: map[string]string{"HOME": ""}, want: nil},
		{name: "token file", auth: vault.Auth{TokenFile: "/etc/regcred/token"}, env: map[string]string{"HOME": "/home/ci"}, want: []string{"/etc/regcred/token"}},
		{name: "token file under ~", auth: vault.Auth{TokenFile: "~/tok"}, env: map[string]string{"HOME": "/home/ci"}, want: []string{"/home/ci/tok"}},
		{name: "token file under ~ without HOME", auth: vault.Auth{TokenFile: "~/tok"}, want: []string{"~/tok"}},
		{name: "approle reads no token file", auth: vault.Auth{Method: "approle", RoleID: "r"}, env: map[string]string{"HOME": "/home/ci"}, want: nil},
		{name: "kubernetes", auth: vault.Auth{Method: "kubernetes", Role: "r"}, env: map[string]string{"HOME": "/home/ci"}, want: nil},
		{name: "aws: the shared files under HOME", auth: vault.Auth{Method: "aws", Role: "r"}, env: map[string]string{"HOME": "/home/ci"},
			want: []string{"/home/ci/.aws/credentials", "/home/ci/.aws/config"}},
		{name: "aws: the shared files the variables name", auth: vault.Auth{Method: "aws", Role: "r"},
			env:  map[string]string{"HOME": "/home/ci", "AWS_SHARED_CREDENTIALS_FILE": "/etc/aws/creds", "AWS_CONFIG_FILE": "/etc/aws/config"},
			want: []string{"/etc/aws/creds", "/etc/aws/config"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookup := testkit.Env(tt.env).Lookup
			var c providers.IdentityFiles = vault.Config{Auth: tt.auth}
			assert.Equal(t, tt.want, c.IdentityFiles(lookup))
		})
	}
}
