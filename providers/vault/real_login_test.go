package vault_test

import (
	"context"
	"crypto/rsa"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/openbao"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/vault"
	"github.com/regcred/regcred/providers/vault/vaulttest"
)

// realLogins is a KV secret and every login method OpenBao can host
// (AppRole, JWT, OIDC's JWT login, TLS certificates), each granting it.
type realLogins struct {
	*realKV
	reader           string
	roleID, secretID string
	jwtKey, rogueKey *rsa.PrivateKey
	clientCA         *vaulttest.CA
}

func newRealLogins(t *testing.T) *realLogins {
	t.Helper()
	w := &realLogins{realKV: newRealKV(t), jwtKey: vaulttest.NewRSAKey(t), rogueKey: vaulttest.NewRSAKey(t), clientCA: vaulttest.NewCA(t, "real client CA")}
	delete(w.env, "VAULT_TOKEN")
	w.reader = w.policy(t, "", "reader", w.kv2+"/data/registry")
	b, id := w.bao, w.id
	b.Write(t, "", "sys/auth/"+id+"-approle", map[string]any{"type": "approle"})
	b.Write(t, "", "auth/"+id+"-approle/role/ci", map[string]any{"token_ttl": "1h", "token_policies": []string{w.reader}})
	w.roleID = openbao.Data(b.Read(t, "", "auth/"+id+"-approle/role/ci/role-id"))["role_id"].(string)
	w.secretID = openbao.Data(b.Write(t, "", "auth/"+id+"-approle/role/ci/secret-id", nil))["secret_id"].(string)
	for _, typ := range []string{"jwt", "oidc"} {
		mount := id + "-" + typ
		b.Write(t, "", "sys/auth/"+mount, map[string]any{"type": typ})
		b.Write(t, "", "auth/"+mount+"/config", map[string]any{"jwt_validation_pubkeys": []string{publicKeyPEM(t, w.jwtKey)}, "bound_issuer": "https://ci.example.com"})
		b.Write(t, "", "auth/"+mount+"/role/ci", map[string]any{"role_type": "jwt", "bound_audiences": []string{"vault"}, "user_claim": "sub",
			"token_policies": []string{w.reader}, "token_ttl": "1h"})
	}
	b.Write(t, "", "sys/auth/"+id+"-cert", map[string]any{"type": "cert"})
	b.Write(t, "", "auth/"+id+"-cert/certs/ci", map[string]any{"certificate": string(w.clientCA.CertPEM), "token_policies": []string{w.reader}, "token_ttl": "1h"})
	return w
}

func (w *realLogins) jwt(t *testing.T, key *rsa.PrivateKey, aud string) string {
	t.Helper()
	return vaulttest.SignJWT(t, key, map[string]any{"iss": "https://ci.example.com", "sub": "pipeline-7", "aud": aud,
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()})
}

// TestRealLogins logs in with each method OpenBao hosts, and is refused
// with the server's reason when the credentials are wrong.
func TestRealLogins(t *testing.T) {
	t.Parallel()
	w := newRealLogins(t)
	good, rogue, wrongAud := w.jwt(t, w.jwtKey, "vault"), w.jwt(t, w.rogueKey, "vault"), w.jwt(t, w.jwtKey, "elsewhere")
	clientCert, clientKey := w.clientCA.Issue(t, vaulttest.Leaf{CommonName: "ci-client"}).Write(t)
	strangerCert, strangerKey := vaulttest.NewCA(t, "stranger CA").Issue(t, vaulttest.Leaf{CommonName: "stranger"}).Write(t)
	path := w.kv2 + "/registry"
	tests := []struct {
		name      string
		cfg       vault.Config
		wantErr   error
		fragments []string
	}{
		{name: "approle", cfg: vault.Config{Path: path, Auth: vault.Auth{Method: "approle", Mount: w.id + "-approle", RoleID: w.roleID, SecretIDFile: testkit.TempFile(t, "sid", w.secretID)}}},
		{name: "approle wrong secret id", cfg: vault.Config{Path: path, Auth: vault.Auth{Method: "approle", Mount: w.id + "-approle", RoleID: w.roleID, SecretID: "wrong-secret-id-0000"}},
			wantErr: providers.ErrDenied, fragments: []string{"refused the approle login at auth/" + w.id + "-approle: invalid role or secret ID"}},
		{name: "approle not enabled there", cfg: vault.Config{Path: path, Auth: vault.Auth{Method: "approle", Mount: w.id + "-nothing", RoleID: w.roleID, SecretID: w.secretID}},
			wantErr: providers.ErrDenied, fragments: []string{"is the approle auth method enabled at auth/" + w.id + "-nothing?"}},
		{name: "jwt", cfg: vault.Config{Path: path, Auth: vault.Auth{Method: "jwt", Mount: w.id + "-jwt", Role: "ci", JWTFile: testkit.TempFile(t, "jwt", good)}}},
		{name: "jwt signed by another key", cfg: vault.Config{Path: path, Auth: vault.Auth{Method: "jwt", Mount: w.id + "-jwt", Role: "ci", JWTFile: testkit.TempFile(t, "jwt", rogue)}},
			wantErr: providers.ErrDenied, fragments: []string{"refused the jwt login"}},
		{name: "jwt for another audience", cfg: vault.Config{Path: path, Auth: vault.Auth{Method: "jwt", Mount: w.id + "-jwt", Role: "ci", JWTFile: testkit.TempFile(t, "jwt", wrongAud)}},
			wantErr: providers.ErrDenied, fragments: []string{"refused the jwt login", "audience"}},
		{name: "oidc", cfg: vault.Config{Path: path, Auth: vault.Auth{Method: "oidc", Mount: w.id + "-oidc", Role: "ci", JWTFile: testkit.TempFile(t, "jwt", good)}}},
		{name: "oidc unknown role", cfg: vault.Config{Path: path, Auth: vault.Auth{Method: "oidc", Mount: w.id + "-oidc", Role: "nobody", JWTFile: testkit.TempFile(t, "jwt", good)}},
			wantErr: providers.ErrDenied, fragments: []string{"refused the oidc login", "nobody"}},
		{name: "cert", cfg: vault.Config{Path: path, ClientCert: clientCert, ClientKey: clientKey, Auth: vault.Auth{Method: "cert", Mount: w.id + "-cert", Role: "ci"}}},
		{name: "cert from another CA", cfg: vault.Config{Path: path, ClientCert: strangerCert, ClientKey: strangerKey, Auth: vault.Auth{Method: "cert", Mount: w.id + "-cert", Role: "ci"}},
			wantErr: providers.ErrDenied, fragments: []string{"refused the cert login"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cred, err := get(w.provider(t, tt.cfg))
			w.noSecrets(t, err, w.secretID, "wrong-secret-id-0000", good, rogue, wrongAud, realPass)
			if tt.wantErr != nil {
				testkit.WantErr(t, err, tt.wantErr, tt.fragments...)
				return
			}
			require.NoError(t, err)
			require.Equal(t, realPass, cred.Secret.Reveal())
		})
	}
}

// memLogins is a providers.LoginCache in memory that reports its token
// due for renewal on every call after the first.
type memLogins struct {
	mu   sync.Mutex
	tok  *providers.LoginToken
	olds int
}

func (m *memLogins) Login(ctx context.Context, _ providers.LoginID, obtain providers.ObtainLogin) (providers.LoginToken, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var old *providers.LoginToken
	if m.tok != nil {
		o := *m.tok
		o.ExpiresAt = time.Now().Add(time.Minute) // near its end: due
		old = &o
		m.olds++
	}
	t, err := obtain(ctx, old)
	if err == nil {
		m.tok = &t
	}
	return t, false, err
}

func (m *memLogins) Drop(context.Context, providers.LoginID) {}

// TestRealLoginRenewed: a cached login token due for renewal is renewed
// (renew-self), not replaced: the server holds no new token.
//
// Not parallel: it counts the shared server's tokens, which the parallel
// tests' logins would add to.
func TestRealLoginRenewed(t *testing.T) {
	w := newRealLogins(t)
	cfg := vault.Config{Path: w.kv2 + "/registry", Auth: vault.Auth{Method: "approle", Mount: w.id + "-approle", RoleID: w.roleID, SecretID: w.secretID}}
	logins := &memLogins{}
	for i := range 3 {
		deps := w.deps()
		deps.Logins = logins
		p, err := vault.New(withServer(cfg, w.bao), deps)
		require.NoError(t, err)
		before := len(w.bao.Accessors(t, ""))
		cred, err := get(p)
		require.NoError(t, err, "get %d", i)
		require.Equal(t, realPass, cred.Secret.Reveal(), "get %d", i)
		if i > 0 {
			assert.Zero(t, len(w.bao.Accessors(t, ""))-before, "get %d created tokens; a renewal creates none", i)
		}
	}
	assert.Equal(t, 2, logins.olds, "renewals offered")
	assert.Contains(t, w.logs.String(), "login token renewed")
	w.noSecrets(t, nil, w.secretID, logins.tok.Token.Reveal())
}

func withServer(cfg vault.Config, s *openbao.Server) vault.Config {
	cfg.Address, cfg.CACert = s.Addr, s.CACert
	return cfg
}
