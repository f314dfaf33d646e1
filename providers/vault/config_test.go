package vault_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
	"github.com/regcred/regcred/providers/vault"
)

// TestNewValidates: New refuses, with Validate's own error, every config
// Validate refuses (vaultconfig's TestValidate checks the wording).
func TestNewValidates(t *testing.T) {
	tests := []struct {
		name string
		cfg  vault.Config
	}{
		{name: "no path", cfg: vault.Config{}},
		{name: "address scheme", cfg: vault.Config{Address: "vault:8200", Path: "a/b"}},
		{name: "address credentials", cfg: vault.Config{Address: "https://u:p@vault", Path: "a/b"}},
		{name: "dot-dot path", cfg: vault.Config{Path: "secret/../sys"}},
		{name: "empty segment", cfg: vault.Config{Path: "secret//app"}},
		{name: "query in path", cfg: vault.Config{Path: "secret/app?version=2"}},
		{name: "bad kvVersion", cfg: vault.Config{Path: "a/b", KVVersion: "3"}},
		{name: "negative version", cfg: vault.Config{Path: "a/b", Version: -1}},
		{name: "version with kv v1", cfg: vault.Config{Path: "a/b", KVVersion: "1", Version: 2}},
		{name: "unknown engine", cfg: vault.Config{Engine: "pki", Path: "a/b"}},
		{name: "gcp without account", cfg: vault.Config{Engine: "gcp"}},
		{name: "gcp two accounts", cfg: vault.Config{Engine: "gcp", Roleset: "a", StaticAccount: "b"}},
		{name: "gcp with path", cfg: vault.Config{Engine: "gcp", Roleset: "a", Path: "x"}},
		{name: "gcp name with slash", cfg: vault.Config{Engine: "gcp", Roleset: "a/b"}},
		{name: "roleset on kv", cfg: vault.Config{Path: "a/b", Roleset: "r"}},
		{name: "username and usernameField", cfg: vault.Config{Path: "a/b", Username: "u", UsernameField: "f"}},
		{name: "bad ttl", cfg: vault.Config{Path: "a/b", TTL: "soon"}},
		{name: "zero timeout", cfg: vault.Config{Path: "a/b", Timeout: "0s"}},
		{name: "cert without key", cfg: vault.Config{Path: "a/b", ClientCert: "/c"}},
		{name: "caCert and caPath", cfg: vault.Config{Path: "a/b", CACert: "/a", CAPath: "/b"}},
		{name: "unknown method", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "ldap"}}},
		{name: "field of another method", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "kubernetes", Role: "r", SecretID: "s"}}},
		{name: "token method with mount", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Mount: "token"}}},
		{name: "approle without role id", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "approle"}}},
		{name: "approle two secret ids", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "approle", RoleID: "r", SecretID: "s", SecretIDFile: "/s"}}},
		{name: "kubernetes without role", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "kubernetes"}}},
		{name: "role annotation on approle", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "approle", RoleID: "r", RoleAnnotation: "x/role"}}},
		{name: "role annotation with space", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "jwt", RoleAnnotation: "x/ role"}}},
		{name: "aws bad region", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "aws", Region: "evil.com/x"}}},
		{name: "bad auth mount", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "approle", RoleID: "r", Mount: "a/../b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verr := tt.cfg.Validate()
			require.Error(t, verr, "Validate accepted the config")
			p, err := vault.New(tt.cfg, netdeps.Deps{})
			assert.Nil(t, p)
			assert.ErrorIs(t, err, providers.ErrInvalid)
			assert.EqualError(t, err, verr.Error(), "New answers with Validate's error")
		})
	}
}

// TestNewDoesNoIO: New reads no file and sends nothing; problems show up
// when a credential is asked for.
func TestNewDoesNoIO(t *testing.T) {
	h := newHarness(t)
	cfg := vault.Config{Address: h.vault.URL, Path: "a/b", CACert: "/nonexistent/ca.pem",
		Auth: vault.Auth{Method: "approle", RoleIDFile: "/nonexistent/role", SecretIDFile: "/nonexistent/secret"}}
	p, err := vault.New(cfg, h.deps())
	require.NoError(t, err, "New")
	assert.Empty(t, h.vault.Requests(), "New sent requests")
	_, err = get(p)
	testkit.WantErr(t, err, providers.ErrInvalid, "caCert /nonexistent/ca.pem")
}
