package vault_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/openbao"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/vault"
)

const invalidToken = "the Vault token is invalid or expired (run `bao login`/`vault login`, or check tokenFile)"

// TestRealTokenErrors: OpenBao answers a bad token and a token without
// access with the same 403; the message tells them apart by asking
// auth/token/lookup-self.
func TestRealTokenErrors(t *testing.T) {
	t.Parallel()
	w := newRealKV(t)
	noAccess := w.token(t, "", "", w.policy(t, "", "elsewhere", "elsewhere/*"))
	revoked := w.token(t, "", "", "default")
	w.bao.Write(t, "", "auth/token/revoke", map[string]any{"token": revoked})
	expiring := w.token(t, "", "1s", "default")
	noDefault := w.tokenNoDefault(t)
	time.Sleep(1500 * time.Millisecond) // expiring expires
	v2 := vault.Config{Path: w.kv2 + "/registry"}
	v2Explicit := vault.Config{Mount: w.kv2, Path: "registry", KVVersion: "2"}
	v1Explicit := vault.Config{Mount: w.kv1, Path: "registry", KVVersion: "1"}
	tests := []struct {
		name      string
		token     string
		cfg       vault.Config
		fragments []string
		absent    []string
	}{
		{name: "garbage, mount lookup", token: "s.garbage-token-1234", cfg: v2,
			fragments: []string{invalidToken, "looking up the mount of " + w.kv2 + "/registry"}, absent: []string{"by policy"}},
		{name: "garbage, v2 read", token: "s.garbage-token-1234", cfg: v2Explicit, fragments: []string{invalidToken, "reading " + w.kv2 + "/data/registry"}},
		{name: "garbage, v1 read", token: "s.garbage-token-1234", cfg: v1Explicit, fragments: []string{invalidToken}},
		{name: "revoked", token: revoked, cfg: v2, fragments: []string{invalidToken}, absent: []string{"by policy"}},
		{name: "expired", token: expiring, cfg: v2Explicit, fragments: []string{invalidToken}, absent: []string{"by policy"}},
		{name: "no access, mount lookup", token: noAccess, cfg: v2,
			fragments: []string{"permission denied by policy looking up the mount of"}, absent: []string{"invalid or expired"}},
		{name: "no access, v2 read", token: noAccess, cfg: v2Explicit,
			fragments: []string{"permission denied by policy reading " + w.kv2 + "/data/registry"}, absent: []string{"invalid or expired"}},
		{name: "no access, v1 read", token: noAccess, cfg: v1Explicit,
			fragments: []string{"permission denied by policy reading " + w.kv1 + "/registry"}, absent: []string{"invalid or expired"}},
		{name: "no access, no default policy", token: noDefault, cfg: v2Explicit,
			fragments: []string{"permission denied by policy"}, absent: []string{"invalid or expired"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.env["VAULT_TOKEN"] = tt.token
			_, err := get(w.provider(t, tt.cfg))
			testkit.WantErr(t, err, providers.ErrDenied, tt.fragments...)
			for _, a := range tt.absent {
				assert.NotContains(t, err.Error(), a)
			}
			w.noSecrets(t, err, tt.token, noAccess, revoked, expiring, noDefault, realPass)
		})
	}
}

// TestRealTokenFile: the token method's token from tokenFile; a bad one
// names the file to check.
func TestRealTokenFile(t *testing.T) {
	t.Parallel()
	w := newRealKV(t)
	delete(w.env, "VAULT_TOKEN")
	good := testkit.TempFile(t, "token", w.token(t, "", "", w.policy(t, "", "reader", w.kv2+"/data/registry"))+"\n")
	cred, err := get(w.provider(t, vault.Config{Path: w.kv2 + "/registry", Auth: vault.Auth{TokenFile: good}}))
	require.NoError(t, err, "tokenFile")
	require.Equal(t, realPass, cred.Secret.Reveal(), "tokenFile")
	bad := testkit.TempFile(t, "token", "s.not-a-token-5678\n")
	_, err = get(w.provider(t, vault.Config{Path: w.kv2 + "/registry", Auth: vault.Auth{TokenFile: bad}}))
	testkit.WantErr(t, err, providers.ErrDenied, invalidToken)
	w.noSecrets(t, err, "s.not-a-token-5678", realPass)
}

// tokenNoDefault creates a token without the default policy, which may
// not even look itself up.
func (w *realWorld) tokenNoDefault(t *testing.T) string {
	t.Helper()
	m := w.bao.Must(t, openbao.Request{Method: http.MethodPost, Path: "auth/token/create",
		Body: map[string]any{"policies": []string{w.policy(t, "", "nothing", "nothing/*")}, "no_default_policy": true}})
	return m["auth"].(map[string]any)["client_token"].(string)
}
