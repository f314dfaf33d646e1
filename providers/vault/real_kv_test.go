package vault_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/vault"
)

// realKV is a KV v1 and a KV v2 mount on the real server, each holding the
// registry secret, read with the root token from VAULT_TOKEN.
type realKV struct {
	*realWorld
	kv1, kv2 string
}

const realPass = "real-registry-pw-5c1d"

func newRealKV(t *testing.T) *realKV {
	t.Helper()
	w := &realKV{realWorld: newRealWorld(t)}
	w.kv1, w.kv2 = w.mountKV(t, "", "kv1", 1), w.mountKV(t, "", "kv2", 2)
	secret := map[string]any{"username": "robot", "password": realPass, "user": "other-robot", "token": "real-token-field-77"}
	w.put(t, "", w.kv1+"/registry", secret)
	w.put(t, "", w.kv2+"/data/registry", secret)
	w.env["VAULT_TOKEN"] = w.bao.RootToken
	return w
}

// TestRealKV reads KV secrets from OpenBao: both versions, the mount
// detected or given, custom fields, and what is missing.
func TestRealKV(t *testing.T) {
	t.Parallel()
	w := newRealKV(t)
	// Version 2 of kv2/versioned is deleted, 3 destroyed, 4 current.
	for i := 1; i <= 4; i++ {
		w.put(t, "", w.kv2+"/data/versioned", map[string]any{"username": "robot", "password": realPass + "-v" + string(rune('0'+i))})
	}
	w.bao.Write(t, "", w.kv2+"/delete/versioned", map[string]any{"versions": []int{2}})
	w.bao.Write(t, "", w.kv2+"/destroy/versioned", map[string]any{"versions": []int{3}})
	tests := []struct {
		name      string
		cfg       vault.Config
		wantUser  string
		wantPass  string
		wantErr   error
		fragments []string
	}{
		{name: "v2 detected", cfg: vault.Config{Path: w.kv2 + "/registry"}, wantUser: "robot", wantPass: realPass},
		{name: "v2 explicit mount", cfg: vault.Config{Mount: w.kv2, Path: "registry", KVVersion: "2"}, wantUser: "robot", wantPass: realPass},
		{name: "v2 explicit, mount from path", cfg: vault.Config{Path: w.kv2 + "/registry", KVVersion: "2"}, wantUser: "robot", wantPass: realPass},
		{name: "v1 detected", cfg: vault.Config{Path: w.kv1 + "/registry"}, wantUser: "robot", wantPass: realPass},
		{name: "v1 explicit mount", cfg: vault.Config{Mount: w.kv1, Path: "registry", KVVersion: "1"}, wantUser: "robot", wantPass: realPass},
		{name: "custom fields", cfg: vault.Config{Path: w.kv2 + "/registry", UsernameField: "user", PasswordField: "token"}, wantUser: "other-robot", wantPass: "real-token-field-77"},
		{name: "fixed username", cfg: vault.Config{Path: w.kv1 + "/registry", Username: "fixed"}, wantUser: "fixed", wantPass: realPass},
		{name: "missing field", cfg: vault.Config{Path: w.kv2 + "/registry", PasswordField: "nope"}, wantErr: providers.ErrNotFound,
			fragments: []string{`has no field "nope"`, "its fields: password, token, user, username"}},
		{name: "pinned version", cfg: vault.Config{Path: w.kv2 + "/versioned", Version: 1}, wantUser: "robot", wantPass: realPass + "-v1"},
		{name: "current version", cfg: vault.Config{Path: w.kv2 + "/versioned"}, wantUser: "robot", wantPass: realPass + "-v4"},
		{name: "deleted version", cfg: vault.Config{Path: w.kv2 + "/versioned", Version: 2}, wantErr: providers.ErrNotFound,
			fragments: []string{"version 2 of " + w.kv2 + "/versioned was deleted at", "kv undelete"}},
		{name: "destroyed version", cfg: vault.Config{Path: w.kv2 + "/versioned", Version: 3}, wantErr: providers.ErrNotFound,
			fragments: []string{"version 3 of " + w.kv2 + "/versioned is destroyed"}},
		{name: "missing version", cfg: vault.Config{Path: w.kv2 + "/versioned", Version: 9}, wantErr: providers.ErrNotFound,
			fragments: []string{"no version 9 of " + w.kv2 + "/versioned"}},
		{name: "v2 missing secret 404", cfg: vault.Config{Path: w.kv2 + "/nothing"}, wantErr: providers.ErrNotFound,
			fragments: []string{"no secret at " + w.kv2 + "/nothing"}},
		{name: "v1 missing secret 404", cfg: vault.Config{Path: w.kv1 + "/nothing"}, wantErr: providers.ErrNotFound,
			fragments: []string{"no secret at " + w.kv1 + "/nothing"}},
		{name: "version on a v1 mount", cfg: vault.Config{Path: w.kv1 + "/registry", Version: 2}, wantErr: providers.ErrInvalid,
			fragments: []string{"KV v1 mount"}},
		{name: "nothing mounted", cfg: vault.Config{Path: w.id + "-nomount/registry"}, wantErr: providers.ErrDenied,
			fragments: []string{"permission denied by policy looking up the mount of " + w.id + "-nomount/registry", "set mount and kvVersion"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cred, err := get(w.provider(t, tt.cfg))
			w.noSecrets(t, err, w.bao.RootToken, realPass, "real-token-field-77")
			if tt.wantErr != nil {
				testkit.WantErr(t, err, tt.wantErr, tt.fragments...)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantUser, cred.Username)
			assert.Equal(t, tt.wantPass, cred.Secret.Reveal())
		})
	}
}

// TestRealKVLifetime: a KV answer is not leased. KV v1's lease_duration
// (the mount's default, 768h) is a refresh hint, not an expiry: the
// credential carries none, so the cache keeps it for cache.ttl (or the
// entry's ttl); a "ttl" field in the secret only shortens that.
func TestRealKVLifetime(t *testing.T) {
	t.Parallel()
	w := newRealKV(t)
	w.put(t, "", w.kv1+"/hinted", map[string]any{"username": "robot", "password": realPass, "ttl": "90s"})
	w.put(t, "", w.kv2+"/data/hinted", map[string]any{"username": "robot", "password": realPass, "ttl": "90s"})
	now := w.clock.Now()
	tests := []struct {
		name       string
		cfg        vault.Config
		wantExpiry time.Time
		wantMaxAge time.Duration
	}{
		{name: "v1 without ttl", cfg: vault.Config{Path: w.kv1 + "/registry"}},
		{name: "v2 without ttl", cfg: vault.Config{Path: w.kv2 + "/registry"}},
		{name: "v1 with entry ttl", cfg: vault.Config{Path: w.kv1 + "/registry", TTL: "10m"}, wantExpiry: now.Add(10 * time.Minute)},
		{name: "v2 with entry ttl", cfg: vault.Config{Path: w.kv2 + "/registry", TTL: "10m"}, wantExpiry: now.Add(10 * time.Minute)},
		{name: "v1 ttl field", cfg: vault.Config{Path: w.kv1 + "/hinted"}, wantMaxAge: 90 * time.Second},
		{name: "v2 ttl field", cfg: vault.Config{Path: w.kv2 + "/hinted"}, wantMaxAge: 90 * time.Second},
		{name: "ttl field shortens entry ttl", cfg: vault.Config{Path: w.kv1 + "/hinted", TTL: "10m"}, wantExpiry: now.Add(90 * time.Second)},
		{name: "entry ttl shortens ttl field", cfg: vault.Config{Path: w.kv1 + "/hinted", TTL: "30s"}, wantExpiry: now.Add(30 * time.Second)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cred, err := get(w.provider(t, tt.cfg))
			require.NoError(t, err)
			assert.True(t, cred.ExpiresAt.Equal(tt.wantExpiry), "ExpiresAt = %v, want %v", cred.ExpiresAt, tt.wantExpiry)
			assert.Equal(t, tt.wantMaxAge, cred.MaxAge)
		})
	}
}

// TestRealNamespaces reads from a namespace, with the namespace set in the
// entry or in VAULT_NAMESPACE, and the mount detected inside it.
func TestRealNamespaces(t *testing.T) {
	t.Parallel()
	w := newRealWorld(t)
	ns := w.id + "-team"
	w.bao.Write(t, "", "sys/namespaces/"+ns, map[string]any{})
	m := w.mountKV(t, ns, "kv", 2)
	w.put(t, ns, m+"/data/registry", map[string]any{"username": "ns-robot", "password": realPass})
	reader := w.policy(t, ns, "reader", m+"/data/registry")
	nsToken := w.token(t, ns, "", reader)
	rootToken := w.token(t, "", "", "default")
	tests := []struct {
		name      string
		cfg       vault.Config
		env       testkit.Env
		wantErr   error
		fragments []string
	}{
		{name: "namespace setting", cfg: vault.Config{Namespace: ns, Path: m + "/registry"}, env: testkit.Env{"VAULT_TOKEN": nsToken}},
		{name: "VAULT_NAMESPACE", cfg: vault.Config{Path: m + "/registry"}, env: testkit.Env{"VAULT_TOKEN": nsToken, "VAULT_NAMESPACE": ns}},
		{name: "root token of the parent", cfg: vault.Config{Namespace: ns, Path: m + "/registry"}, env: testkit.Env{"VAULT_TOKEN": w.bao.RootToken}},
		{name: "child namespace in the path", cfg: vault.Config{Path: ns + "/" + m + "/registry"}, env: testkit.Env{"VAULT_TOKEN": nsToken}},
		{name: "parent token without access", cfg: vault.Config{Namespace: ns, Path: m + "/registry"}, env: testkit.Env{"VAULT_TOKEN": rootToken},
			wantErr: providers.ErrDenied, fragments: []string{"permission denied by policy"}},
		{name: "no such namespace", cfg: vault.Config{Namespace: w.id + "-none", Path: m + "/registry", Mount: m, KVVersion: "2"}, env: testkit.Env{"VAULT_TOKEN": w.bao.RootToken},
			wantErr: providers.ErrNotFound, fragments: []string{"namespace not found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.env = tt.env
			if tt.cfg.Mount != "" {
				tt.cfg.Path = "registry"
			}
			cred, err := get(w.provider(t, tt.cfg))
			w.noSecrets(t, err, nsToken, rootToken, w.bao.RootToken, realPass)
			if tt.wantErr != nil {
				testkit.WantErr(t, err, tt.wantErr, tt.fragments...)
				return
			}
			require.NoError(t, err)
			require.Equal(t, "ns-robot", cred.Username)
			require.Equal(t, realPass, cred.Secret.Reveal())
		})
	}
}

// TestRealRotation: the provider reads the secret anew on every call (the
// cache, not the provider, decides how long an answer is kept).
func TestRealRotation(t *testing.T) {
	t.Parallel()
	w := newRealKV(t)
	p := w.provider(t, vault.Config{Path: w.kv1 + "/registry"})
	_, err := get(p)
	require.NoError(t, err)
	w.put(t, "", w.kv1+"/registry", map[string]any{"username": "robot", "password": "rotated-pw"})
	cred, err := p.Credential(context.Background(), providers.Request{Registry: "registry.example.com"})
	require.NoError(t, err, "after rotation")
	require.Equal(t, "rotated-pw", cred.Secret.Reveal(), "after rotation")
}
