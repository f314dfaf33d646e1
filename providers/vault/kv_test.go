package vault_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/vault"
)

// kvFixture fills the fake with KV mounts, policies and tokens.
func kvFixture(h *harness) {
	root := h.vault.Root()
	root.MountKV("secret", 2)
	root.PutKV("secret", "dockerhub", map[string]any{"username": "alice", "password": "pw-one"})
	root.PutKV("secret", "dockerhub", map[string]any{"username": "alice", "password": "pw-two"})
	root.PutKV("secret", "deleted", map[string]any{"username": "x", "password": "pw-deleted"})
	root.DeleteKV("secret", "deleted", 1)
	root.PutKV("secret", "destroyed", map[string]any{"username": "x", "password": "pw-destroyed"})
	root.PutKV("secret", "destroyed", map[string]any{"username": "x", "password": "pw-destroyed-2"})
	root.DestroyKV("secret", "destroyed", 1)
	root.PutKV("secret", "custom", map[string]any{"user": "frank", "token": "pw-custom", "ttl": "2h"})
	root.PutKV("secret", "number", map[string]any{"username": "x", "password": 42})
	root.MountKV("kv1", 1)
	root.PutKV("kv1", "registry", map[string]any{"username": "bob", "password": "pw-kv1", "ttl": "30m"})
	root.PutKV("kv1", "plain", map[string]any{"username": "carol", "password": "pw-plain"})
	root.MountKV("legacy", 0)
	root.PutKV("legacy", "reg", map[string]any{"username": "dave", "password": "pw-legacy"})
	root.MountKV("team/kv", 2)
	root.PutKV("team/kv", "app/reg", map[string]any{"username": "erin", "password": "pw-nested"})
	root.Policy("reader", "secret/data/*", "kv1/*", "legacy/*", "team/kv/data/+/reg")
	root.Policy("other", "secret/data/other")
	root.Token("tok-reader", 0, "reader")
	root.Token("tok-other", 0, "other")
	root.Token("tok-none", 0)
	root.Token("tok-root", 0, "root")

	ns := h.vault.Namespace("team-a")
	ns.MountKV("secret", 2)
	ns.PutKV("secret", "dockerhub", map[string]any{"username": "ns-user", "password": "pw-ns"})
	ns.Policy("reader", "secret/data/*")
	ns.Token("tok-ns", 0, "reader")
}

func TestKV(t *testing.T) {
	tests := []struct {
		name       string
		cfg        vault.Config
		env        testkit.Env // VAULT_TOKEN=tok-reader unless set
		wantUser   string
		wantPass   string
		wantExpiry time.Duration // from now; 0: no expiry
		wantMaxAge time.Duration // the ttl field's refresh hint
		wantErr    error
		fragments  []string
	}{
		{name: "v2 full path, detected", cfg: vault.Config{Path: "secret/dockerhub"}, wantUser: "alice", wantPass: "pw-two"},
		{name: "v2 mount and path, set", cfg: vault.Config{Mount: "secret", Path: "dockerhub", KVVersion: "2"}, wantUser: "alice", wantPass: "pw-two"},
		{name: "v2 set without mount", cfg: vault.Config{Path: "/secret/dockerhub/", KVVersion: "2"}, wantUser: "alice", wantPass: "pw-two"},
		{name: "v2 pinned version", cfg: vault.Config{Path: "secret/dockerhub", Version: 1}, wantUser: "alice", wantPass: "pw-one"},
		{name: "v2 nested mount detected", cfg: vault.Config{Path: "team/kv/app/reg"}, wantUser: "erin", wantPass: "pw-nested"},
		{name: "v2 custom fields and ttl field", cfg: vault.Config{Path: "secret/custom", UsernameField: "user", PasswordField: "token"}, wantUser: "frank", wantPass: "pw-custom", wantMaxAge: 2 * time.Hour},
		{name: "v2 fixed username", cfg: vault.Config{Path: "secret/dockerhub", Username: "robot$ci"}, wantUser: "robot$ci", wantPass: "pw-two"},
		{name: "v2 configured ttl when Vault gives none", cfg: vault.Config{Path: "secret/dockerhub", TTL: "2h"}, wantUser: "alice", wantPass: "pw-two", wantExpiry: 2 * time.Hour},
		{name: "v1 ttl field is a refresh hint", cfg: vault.Config{Path: "kv1/registry"}, wantUser: "bob", wantPass: "pw-kv1", wantMaxAge: 30 * time.Minute},
		{name: "v1 lease_duration is no expiry", cfg: vault.Config{Path: "kv1/plain"}, wantUser: "carol", wantPass: "pw-plain"},
		{name: "v1 entry ttl", cfg: vault.Config{Path: "kv1/plain", TTL: "1h"}, wantUser: "carol", wantPass: "pw-plain", wantExpiry: time.Hour},
		{name: "v1 ttl field shortens the entry ttl", cfg: vault.Config{Path: "kv1/registry", TTL: "1h"}, wantUser: "bob", wantPass: "pw-kv1", wantExpiry: 30 * time.Minute},
		{name: "v1 set", cfg: vault.Config{Mount: "kv1", Path: "registry", KVVersion: "1"}, wantUser: "bob", wantPass: "pw-kv1", wantMaxAge: 30 * time.Minute},
		{name: "legacy generic mount reads as v1", cfg: vault.Config{Path: "legacy/reg"}, wantUser: "dave", wantPass: "pw-legacy"},
		{name: "namespace", cfg: vault.Config{Namespace: "team-a", Path: "secret/dockerhub"}, env: testkit.Env{"VAULT_TOKEN": "tok-ns"}, wantUser: "ns-user", wantPass: "pw-ns"},
		{name: "VAULT_NAMESPACE", cfg: vault.Config{Path: "secret/dockerhub"}, env: testkit.Env{"VAULT_TOKEN": "tok-ns", "VAULT_NAMESPACE": "team-a/"}, wantUser: "ns-user", wantPass: "pw-ns"},

		{name: "v2 no such secret", cfg: vault.Config{Path: "secret/nope"}, wantErr: providers.ErrNotFound, fragments: []string{"no secret at secret/nope"}},
		{name: "v2 no such version", cfg: vault.Config{Path: "secret/dockerhub", Version: 9}, wantErr: providers.ErrNotFound, fragments: []string{"no version 9 of secret/dockerhub"}},
		{name: "v2 soft-deleted version", cfg: vault.Config{Path: "secret/deleted"}, wantErr: providers.ErrNotFound, fragments: []string{"version 1 of secret/deleted was deleted at", "undelete"}},
		{name: "v2 destroyed version", cfg: vault.Config{Path: "secret/destroyed", Version: 1}, wantErr: providers.ErrNotFound, fragments: []string{"version 1 of secret/destroyed is destroyed"}},
		{name: "v1 no such secret", cfg: vault.Config{Path: "kv1/nope"}, wantErr: providers.ErrNotFound, fragments: []string{"no secret at kv1/nope"}},
		{name: "v2 mount read as v1", cfg: vault.Config{Mount: "secret", Path: "dockerhub", KVVersion: "1"}, env: testkit.Env{"VAULT_TOKEN": "tok-root"}, wantErr: providers.ErrNotFound, fragments: []string{"Invalid path for a versioned K/V secrets engine"}},
		{name: "version on a v1 mount", cfg: vault.Config{Path: "kv1/registry", Version: 2}, wantErr: providers.ErrInvalid, fragments: []string{"KV v1"}},
		{name: "missing field", cfg: vault.Config{Path: "secret/custom"}, wantErr: providers.ErrNotFound, fragments: []string{`no field "username"`, "its fields: token, ttl, user"}},
		{name: "field not a string", cfg: vault.Config{Path: "secret/number"}, wantErr: providers.ErrInvalid, fragments: []string{`field "password" of secret secret/number is not a string`}},
		{name: "policy denies the path", cfg: vault.Config{Path: "secret/dockerhub"}, env: testkit.Env{"VAULT_TOKEN": "tok-other"}, wantErr: providers.ErrDenied, fragments: []string{"permission denied by policy reading secret/data/dockerhub"}},
		{name: "no access to the mount", cfg: vault.Config{Path: "secret/dockerhub"}, env: testkit.Env{"VAULT_TOKEN": "tok-none"}, wantErr: providers.ErrDenied, fragments: []string{"permission denied by policy looking up the mount of secret/dockerhub"}},
		{name: "policy denies, nothing detected", cfg: vault.Config{Mount: "secret", Path: "dockerhub", KVVersion: "2"}, env: testkit.Env{"VAULT_TOKEN": "tok-none"}, wantErr: providers.ErrDenied, fragments: []string{"permission denied by policy reading secret/data/dockerhub"}},
		{name: "unknown token", cfg: vault.Config{Mount: "secret", Path: "dockerhub", KVVersion: "2"}, env: testkit.Env{"VAULT_TOKEN": "tok-forged"}, wantErr: providers.ErrDenied, fragments: []string{"token is invalid or expired"}},
		{name: "token of another namespace", cfg: vault.Config{Path: "secret/dockerhub"}, env: testkit.Env{"VAULT_TOKEN": "tok-ns"}, wantErr: providers.ErrDenied, fragments: []string{"invalid or expired"}},
		{name: "nothing mounted", cfg: vault.Config{Path: "nomount/x"}, env: testkit.Env{"VAULT_TOKEN": "tok-root"}, wantErr: providers.ErrDenied, fragments: []string{"looking up the mount of nomount/x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			kvFixture(h)
			h.env["VAULT_TOKEN"] = "tok-reader"
			for k, v := range tt.env {
				h.env[k] = v
			}
			cred, err := get(h.provider(t, tt.cfg))
			h.noSecrets(t, err, h.env["VAULT_TOKEN"], "pw-one", "pw-two", "pw-deleted", "pw-destroyed", "pw-custom")
			if tt.wantErr != nil {
				testkit.WantErr(t, err, tt.wantErr, tt.fragments...)
				return
			}
			require.NoError(t, err, "Credential")
			assert.Equal(t, tt.wantUser, cred.Username)
			assert.Equal(t, tt.wantPass, cred.Secret.Reveal())
			var want time.Time
			if tt.wantExpiry > 0 {
				want = h.clock.Now().Add(tt.wantExpiry)
			}
			assert.True(t, cred.ExpiresAt.Equal(want), "ExpiresAt = %v, want %v", cred.ExpiresAt, want)
			assert.Equal(t, tt.wantMaxAge, cred.MaxAge)
		})
	}
}

// TestKVRequests checks what goes over the wire: the namespace header, the
// mount lookup done once per provider, and the token on every request.
func TestKVRequests(t *testing.T) {
	h := newHarness(t)
	kvFixture(h)
	h.env["VAULT_TOKEN"] = "tok-ns"
	p := h.provider(t, vault.Config{Namespace: "team-a", Path: "secret/dockerhub"})
	for range 2 {
		_, err := get(p)
		require.NoError(t, err)
	}
	reqs := h.vault.Requests()
	require.Len(t, reqs, 3, "one mount lookup and two reads")
	for _, r := range reqs {
		assert.Equal(t, "team-a", r.Namespace, "request %+v", r)
		assert.True(t, r.HasToken, "request %+v has no token", r)
		assert.Equal(t, http.MethodGet, r.Method, "request %+v", r)
	}
	assert.Equal(t, 1, h.vault.Count(http.MethodGet, "sys/internal/ui/mounts/secret/dockerhub"), "mount lookups")
}
