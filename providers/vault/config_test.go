package vault_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
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
		{name: "dot-dot path", cfg: vault.Config{Path: "secret/../sys"}, wantErr: `path "secret/../sys"`},
		{name: "empty segment", cfg: vault.Config{Path: "secret//app"}, wantErr: "empty segment"},
		{name: "query in path", cfg: vault.Config{Path: "secret/app?version=2"}, wantErr: "'?'"},
		{name: "bad kvVersion", cfg: vault.Config{Path: "a/b", KVVersion: "3"}, wantErr: "kvVersion"},
		{name: "negative version", cfg: vault.Config{Path: "a/b", Version: -1}, wantErr: "version -1"},
		{name: "version with kv v1", cfg: vault.Config{Path: "a/b", KVVersion: "1", Version: 2}, wantErr: "kvVersion is 1"},
		{name: "unknown engine", cfg: vault.Config{Engine: "pki", Path: "a/b"}, wantErr: `engine "pki"`},
		{name: "gcp without account", cfg: vault.Config{Engine: "gcp"}, wantErr: "exactly one of roleset"},
		{name: "gcp two accounts", cfg: vault.Config{Engine: "gcp", Roleset: "a", StaticAccount: "b"}, wantErr: "roleset and staticAccount"},
		{name: "gcp with path", cfg: vault.Config{Engine: "gcp", Roleset: "a", Path: "x"}, wantErr: "path is not used by the gcp engine"},
		{name: "gcp name with slash", cfg: vault.Config{Engine: "gcp", Roleset: "a/b"}, wantErr: "single name"},
		{name: "roleset on kv", cfg: vault.Config{Path: "a/b", Roleset: "r"}, wantErr: "engine: gcp"},
		{name: "username and usernameField", cfg: vault.Config{Path: "a/b", Username: "u", UsernameField: "f"}, wantErr: "not both"},
		{name: "bad ttl", cfg: vault.Config{Path: "a/b", TTL: "soon"}, wantErr: `ttl "soon"`},
		{name: "zero timeout", cfg: vault.Config{Path: "a/b", Timeout: "0s"}, wantErr: "timeout"},
		{name: "cert without key", cfg: vault.Config{Path: "a/b", ClientCert: "/c"}, wantErr: "clientCert and clientKey"},
		{name: "caCert and caPath", cfg: vault.Config{Path: "a/b", CACert: "/a", CAPath: "/b"}, wantErr: "caCert or caPath"},
		{name: "unknown method", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "ldap"}}, wantErr: `auth.method "ldap"`},
		{name: "field of another method", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "kubernetes", Role: "r", SecretID: "s"}}, wantErr: "auth.secretId is not used by the kubernetes method"},
		{name: "token method with mount", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Mount: "token"}}, wantErr: "auth.mount is not used by the token method"},
		{name: "approle without role id", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "approle"}}, wantErr: "exactly one of auth.roleId"},
		{name: "approle two secret ids", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "approle", RoleID: "r", SecretID: "s", SecretIDFile: "/s"}}, wantErr: "auth.secretId or auth.secretIdFile"},
		{name: "kubernetes without role", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "kubernetes"}}, wantErr: "needs auth.role"},
		{name: "role annotation on approle", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "approle", RoleID: "r", RoleAnnotation: "x/role"}}, wantErr: "auth.roleAnnotation is not used by the approle method"},
		{name: "role annotation with space", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "jwt", RoleAnnotation: "x/ role"}}, wantErr: "auth.roleAnnotation"},
		{name: "aws bad region", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "aws", Region: "evil.com/x"}}, wantErr: "auth.region"},
		{name: "bad auth mount", cfg: vault.Config{Path: "a/b", Auth: vault.Auth{Method: "approle", RoleID: "r", Mount: "a/../b"}}, wantErr: "auth.mount"},
		{name: "approle secret inline ok", cfg: vault.Config{Path: "a/b", Auth: approle}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if !errors.Is(err, providers.ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Validate = %v, want ErrInvalid containing %q", err, tt.wantErr)
			}
			if _, nerr := vault.New(tt.cfg, netdeps.Deps{}); nerr == nil {
				t.Errorf("New accepted a config Validate refuses")
			}
		})
	}
}

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
			if got := c.EnvKeys(); !slices.Equal(got, tt.want) {
				t.Errorf("EnvKeys = %v, want %v", got, tt.want)
			}
		})
	}
}

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
	if err := d.Decode(&c); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.KVVersion != "2" || c.Version != 4 || c.Auth.SecretIDFile != "/etc/regcred/secret-id" || c.CAPath != "/etc/ssl/vault" {
		t.Errorf("decoded %+v", c)
	}
	if c.HasInlineSecret() {
		t.Error("HasInlineSecret with a secretIdFile")
	}
	if !(vault.Config{Auth: vault.Auth{SecretID: "s"}}).HasInlineSecret() {
		t.Error("HasInlineSecret false with an inline secretId")
	}
}

// TestNewDoesNoIO: New reads no file and sends nothing; problems show up
// when a credential is asked for.
func TestNewDoesNoIO(t *testing.T) {
	h := newHarness(t)
	cfg := vault.Config{Address: h.vault.URL, Path: "a/b", CACert: "/nonexistent/ca.pem",
		Auth: vault.Auth{Method: "approle", RoleIDFile: "/nonexistent/role", SecretIDFile: "/nonexistent/secret"}}
	p, err := vault.New(cfg, h.deps())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if n := len(h.vault.Requests()); n != 0 {
		t.Errorf("New sent %d requests", n)
	}
	_, err = get(p)
	wantErr(t, err, providers.ErrInvalid, "caCert /nonexistent/ca.pem")
}
