package vault_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/regcred/regcred/providers/vault"
)

// TestYAMLNames decodes a config strictly, as the loader does, so every
// documented key is a real one.
func TestYAMLNames(t *testing.T) {
	const doc = `
address: https://vault.example.com:8200
namespace: team-a
engine: kv
mount: secret
path: registries/dockerhub
kvVersion: 2
version: 4
usernameField: user
passwordField: token
ttl: 30m
timeout: 5s
caPath: /etc/ssl/vault
tlsServerName: vault.internal
auth:
  method: approle
  mount: approle-ci
  roleId: 1b2c
  secretIdFile: /etc/regcred/secret-id
`
	var c vault.Config
	d := yaml.NewDecoder(strings.NewReader(doc))
	d.KnownFields(true)
	require.NoError(t, d.Decode(&c))
	require.NoError(t, c.Validate())
	assert.Equal(t, "2", c.KVVersion)
	assert.Equal(t, 4, c.Version)
	assert.Equal(t, "/etc/regcred/secret-id", c.Auth.SecretIDFile)
	assert.Equal(t, "/etc/ssl/vault", c.CAPath)
	assert.False(t, c.HasInlineSecret(), "HasInlineSecret with a secretIdFile")
	assert.True(t, vault.Config{Auth: vault.Auth{SecretID: "s"}}.HasInlineSecret(), "HasInlineSecret false with an inline secretId")
}

// TestDefaults: what the provider reads when a setting is left out.
func TestDefaults(t *testing.T) {
	tests := []struct {
		name                            string
		cfg                             vault.Config
		wantMethod, wantEngine, wantMnt string
	}{
		{name: "nothing set", wantMethod: vault.MethodToken, wantEngine: vault.EngineKV, wantMnt: "token"},
		{name: "method names the mount", cfg: vault.Config{Engine: "gcp", Auth: vault.Auth{Method: "approle"}},
			wantMethod: vault.MethodAppRole, wantEngine: vault.EngineGCP, wantMnt: "approle"},
		{name: "mount without outer slashes", cfg: vault.Config{Auth: vault.Auth{Method: "kubernetes", Mount: "/k8s/prod/"}},
			wantMethod: vault.MethodKubernetes, wantEngine: vault.EngineKV, wantMnt: "k8s/prod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.wantMethod, tt.cfg.Method(), "Method")
			assert.Equal(t, tt.wantEngine, tt.cfg.SecretsEngine(), "SecretsEngine")
			assert.Equal(t, tt.wantMnt, tt.cfg.AuthMount(), "AuthMount")
		})
	}
}
