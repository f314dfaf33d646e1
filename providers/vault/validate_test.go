package vault_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/vault"
)

func TestValidate(t *testing.T) {
	approle := vault.Auth{Method: "approle", RoleID: "r"}
	tests := []struct {
		name    string
		cfg     vault.Config
		wantErr string // "" means valid
	}{
		{name: "minimal kv", cfg: vault.Config{Path: "secret/app"}},
		{name: "everything kv", cfg: vault.Config{Address: "https://vault:8200/", Namespace: "a/b", Mount: "kv", Path: "app", KVVersion: "2", Version: 3,
			UsernameField: "u", PasswordField: "p", TTL: "1h", Timeout: "5s", CACert: "/ca.pem", TLSServerName: "vault", ClientCert: "/c", ClientKey: "/k",
			Auth: vault.Auth{Method: "cert", Mount: "cert-ci", Role: "ci"}}},
		{name: "gcp", cfg: vault.Config{Engine: "gcp", StaticAccount: "puller", Username: "oauth2accesstoken"}},
		{name: "approle files", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "approle", RoleIDFile: "/r", SecretIDFile: "/s"}}},
		{name: "aws", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "aws", Role: "r", HeaderValue: "v", Region: "us-gov-west-1"}}},
		{name: "kubernetes", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "kubernetes", Role: "r"}}},
		{name: "jwt without file", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "jwt"}}},
		{name: "kubernetes role from annotation", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "kubernetes", RoleAnnotation: "vault.hashicorp.com/role"}}},
		{name: "jwt role annotation with fallback", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "jwt", Role: "r", RoleAnnotation: "vault.hashicorp.com/role"}}},

		{name: "no path", cfg: vault.Config{}, wantErr: "path is required"},
		{name: "address scheme", cfg: vault.Config{Address: "vault:8200", Path: "a/b"}, wantErr: "address"},
		{name: "address credentials", cfg: vault.Config{Address: "https://u:p@vault", Path: "a/b"}, wantErr: "must not hold a user name or password"},
		{name: "dot-dot path", cfg: vault.Config{Path: "secret/../sys"}, wantErr: `path must not contain ".." segments`},
		{name: "empty segment", cfg: vault.Config{Path: "secret//app"}, wantErr: "empty segment"},
		{name: "query in path", cfg: vault.Config{Path: "secret/app?version=2"}, wantErr: "'?'"},
		{name: "bad kvVersion", cfg: vault.Config{Path: "a/b", KVVersion: "3"}, wantErr: "kvVersion"},
		{name: "negative version", cfg: vault.Config{Path: "a/b", Version: -1}, wantErr: "version -1"},
		{name: "version with kv v1", cfg: vault.Config{Path: "a/b", KVVersion: "1", Version: 2}, wantErr: "kvVersion is 1"},
		{name: "unknown engine", cfg: vault.Config{Engine: "pki", Path: "a/b"}, wantErr: "engine is not one of kv, gcp"},
		{name: "gcp without account", cfg: vault.Config{Engine: "gcp"}, wantErr: "exactly one of roleset"},
		{name: "gcp two accounts", cfg: vault.Config{Engine: "gcp", Roleset: "a", StaticAccount: "b"}, wantErr: "roleset and staticAccount"},
		{name: "gcp with path", cfg: vault.Config{Engine: "gcp", Roleset: "a", Path: "x"}, wantErr: "path is not used by the gcp engine"},
		{name: "gcp name with slash", cfg: vault.Config{Engine: "gcp", Roleset: "a/b"}, wantErr: "single name"},
		{name: "roleset on kv", cfg: vault.Config{Path: "a/b", Roleset: "r"}, wantErr: "engine: gcp"},
		{name: "username and usernameField", cfg: vault.Config{Path: "a/b", Username: "u", UsernameField: "f"}, wantErr: "not both"},
		{name: "bad ttl", cfg: vault.Config{Path: "a/b", TTL: "soon"}, wantErr: "ttl is not a positive duration"},
		{name: "zero timeout", cfg: vault.Config{Path: "a/b", Timeout: "0s"}, wantErr: "timeout"},
		{name: "cert without key", cfg: vault.Config{Path: "a/b", ClientCert: "/c"}, wantErr: "clientCert and clientKey"},
		{name: "caCert and caPath", cfg: vault.Config{Path: "a/b", CACert: "/a", CAPath: "/b"}, wantErr: "caCert or caPath"},
		{name: "unknown method", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "ldap"}}, wantErr: "auth.method is not one of token"},
		{name: "field of another method", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "kubernetes", Role: "r", SecretID: "s"}}, wantErr: "auth.secretId is not used by the kubernetes method"},
		{name: "token method with mount", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Mount: "token"}}, wantErr: "auth.mount is not used by the token method"},
		{name: "approle without role id", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "approle"}}, wantErr: "exactly one of auth.roleId"},
		{name: "approle two secret ids", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "approle", RoleID: "r", SecretID: "s", SecretIDFile: "/s"}}, wantErr: "auth.secretId or auth.secretIdFile"},
		{name: "kubernetes without role", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "kubernetes"}}, wantErr: "needs auth.role"},
		{name: "role annotation on approle", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "approle", RoleID: "r", RoleAnnotation: "x/role"}}, wantErr: "auth.roleAnnotation is not used by the approle method"},
		{name: "role annotation with jwtFile", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "kubernetes", RoleAnnotation: "x/role", JWTFile: "/var/run/node-token"}},
			wantErr: "the role would be chosen by the pod's annotation but the login made with the token in /var/run/node-token"},
		{name: "jwt role annotation with jwtFile", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "jwt", Role: "r", RoleAnnotation: "x/role", JWTFile: "/t"}},
			wantErr: "auth.roleAnnotation with auth.jwtFile"},
		{name: "role annotation with space", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "jwt", RoleAnnotation: "x/ role"}}, wantErr: "auth.roleAnnotation"},
		{name: "aws bad region", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "aws", Region: "evil.com/x"}}, wantErr: "auth.region"},
		{name: "bad auth mount", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "approle", RoleID: "r", Mount: "a/../b"}}, wantErr: "auth.mount"},
		{name: "approle secret inline ok", cfg: vault.Config{Path: "a/b", Auth: approle}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.wantErr == "" {
				require.NoError(t, err, "Validate")
				return
			}
			testkit.WantErr(t, err, providers.ErrInvalid, tt.wantErr)
		})
	}
}
