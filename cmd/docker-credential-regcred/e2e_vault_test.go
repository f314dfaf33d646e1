package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers/vault/vaulttest"
)

// vaultE2E is a fake Vault (plain HTTP) and a TLS one for cert logins,
// both holding the same secret and accepting every login method.
type vaultE2E struct {
	plain, tls       *vaulttest.Server
	serverCA         *vaulttest.CA
	files            map[string]string
	secrets          []string
	password, gcpTok string
}

const (
	e2eRoleID   = "e2e-role-id"
	e2eSecretID = "e2e-secret-id-31f4"
	e2eAWSKey   = "AKIAE2EVAULT000001"
	e2eAWSSec   = "e2e-aws-secret-8c2d"
	e2eToken    = "hvs.e2e-static-token"
)

func newVaultE2E(t *testing.T) *vaultE2E {
	t.Helper()
	k8sKey, oidcKey := vaulttest.NewRSAKey(t), vaulttest.NewRSAKey(t)
	e := &vaultE2E{serverCA: vaulttest.NewCA(t, "e2e vault server CA"), password: "e2e-registry-password-77", gcpTok: "ya29.e2e-gcp-token", files: map[string]string{}}
	clientCA := vaulttest.NewCA(t, "e2e vault client CA")
	e.plain = vaulttest.New(t)
	e.tls = vaulttest.New(t, vaulttest.WithTLS(e.serverCA))
	now := time.Now()
	sa := vaulttest.SignJWT(t, k8sKey, map[string]any{
		"iss": "https://kubernetes.default.svc", "sub": "system:serviceaccount:ci:builder", "exp": now.Add(time.Hour).Unix(),
		"kubernetes.io": map[string]any{"namespace": "ci", "serviceaccount": map[string]any{"name": "builder"}},
	})
	ci := vaulttest.SignJWT(t, oidcKey, map[string]any{"iss": "https://ci.example.com", "sub": "pipeline-42", "aud": "vault", "exp": now.Add(time.Hour).Unix()})
	dir := t.TempDir()
	for name, content := range map[string]string{"secret-id": e2eSecretID, "sa-token": sa, "ci.jwt": ci, "token": e2eToken} {
		e.files[name] = filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(e.files[name], []byte(content+"\n"), 0o600))
	}
	e.files["ca"] = e.serverCA.WriteCert(t)
	e.files["cert"], e.files["key"] = clientCA.Issue(t, vaulttest.Leaf{CommonName: "e2e-client"}).Write(t)
	e.secrets = []string{e.password, e.gcpTok, e2eSecretID, sa, ci, e2eAWSSec, e2eToken}

	for _, s := range []*vaulttest.Server{e.plain, e.tls} {
		ns := s.Namespace("team-a")
		ns.MountKV("kv", 2)
		ns.PutKV("kv", "registry/ci", map[string]any{"username": "ci-robot", "password": e.password})
		ns.MountGCP("gcp").Roleset("gcr-pull", e.gcpTok)
		ns.Policy("reader", "kv/data/registry/*", "gcp/roleset/gcr-pull/token")
		ns.Policy("nothing", "kv/data/elsewhere")
		ns.Token(e2eToken, 0, "reader")
		ns.Token("hvs.e2e-powerless", 0, "nothing")
		ns.EnableAppRole("approle").Role("ci", e2eRoleID, e2eSecretID, time.Hour, "reader")
		ns.EnableKubernetes("kubernetes", &k8sKey.PublicKey).Role("puller", vaulttest.KubernetesRole{
			ServiceAccountNames: []string{"builder"}, ServiceAccountNamespaces: []string{"ci"}, TTL: time.Hour, Policies: []string{"reader"}})
		j := ns.EnableJWT("jwt", &oidcKey.PublicKey)
		j.BoundIssuer("https://ci.example.com")
		j.Role("ci", vaulttest.JWTRole{BoundAudiences: []string{"vault"}, TTL: time.Hour, Policies: []string{"reader"}})
		a := ns.EnableAWS("aws")
		a.Key(e2eAWSKey, vaulttest.AWSKey{Secret: e2eAWSSec, ARN: "arn:aws:iam::123456789012:role/builder"})
		a.ServerID("vault.example.com")
		a.Role("builder", vaulttest.AWSRole{TTL: time.Hour, Policies: []string{"reader"}})
		ns.EnableCert("cert").Role("ci", vaulttest.CertRole{CA: clientCA, TTL: time.Hour, Policies: []string{"reader"}})
	}
	return e
}

// config is a config file with one vault entry for registry.example.com;
// block is the entry's settings below `vault:`, indented by six spaces.
func (e *vaultE2E) config(t *testing.T, block string) string {
	return writeConfig(t, "registries:\n  - match: registry.example.com\n    vault:\n"+block)
}

// TestVaultLoginsThroughBinary runs `get` through the built binary for
// every login method against the fake Vault.
func TestVaultLoginsThroughBinary(t *testing.T) {
	e := newVaultE2E(t)
	bin := testBinary(t)
	kv := "      namespace: team-a\n      path: kv/registry/ci\n"
	tests := []struct {
		name       string
		block      string
		env        []string
		server     *vaulttest.Server
		loginPath  string
		wantUser   string
		wantSecret string
	}{
		{name: "token from VAULT_TOKEN and VAULT_ADDR", server: e.plain, block: kv,
			env: []string{"VAULT_TOKEN=" + e2eToken, "VAULT_ADDR=" + e.plain.URL}},
		{name: "token file", server: e.plain, block: "      address: " + yamlQuote(e.plain.URL) + "\n" + kv +
			"      auth: {tokenFile: " + yamlQuote(e.files["token"]) + "}\n"},
		{name: "approle", server: e.plain, loginPath: "auth/approle/login", block: "      address: " + yamlQuote(e.plain.URL) + "\n" + kv +
			"      auth: {method: approle, roleId: " + e2eRoleID + ", secretIdFile: " + yamlQuote(e.files["secret-id"]) + "}\n"},
		{name: "kubernetes", server: e.plain, loginPath: "auth/kubernetes/login", block: "      address: " + yamlQuote(e.plain.URL) + "\n" + kv +
			"      auth: {method: kubernetes, role: puller, jwtFile: " + yamlQuote(e.files["sa-token"]) + "}\n"},
		{name: "jwt", server: e.plain, loginPath: "auth/jwt/login", block: "      address: " + yamlQuote(e.plain.URL) + "\n" + kv +
			"      auth: {method: jwt, role: ci, jwtFile: " + yamlQuote(e.files["ci.jwt"]) + "}\n"},
		{name: "aws", server: e.plain, loginPath: "auth/aws/login", block: "      address: " + yamlQuote(e.plain.URL) + "\n" + kv +
			"      auth: {method: aws, role: builder, headerValue: vault.example.com}\n",
			env: []string{"AWS_ACCESS_KEY_ID=" + e2eAWSKey, "AWS_SECRET_ACCESS_KEY=" + e2eAWSSec}},
		{name: "cert", server: e.tls, loginPath: "auth/cert/login", block: "      address: " + yamlQuote(e.tls.URL) + "\n" + kv +
			"      caCert: " + yamlQuote(e.files["ca"]) + "\n      tlsServerName: vault.test\n" +
			"      clientCert: " + yamlQuote(e.files["cert"]) + "\n      clientKey: " + yamlQuote(e.files["key"]) + "\n" +
			"      auth: {method: cert, role: ci}\n"},
		{name: "gcp engine", server: e.plain, block: "      address: " + yamlQuote(e.plain.URL) + "\n      namespace: team-a\n      engine: gcp\n      roleset: gcr-pull\n",
			env: []string{"VAULT_TOKEN=" + e2eToken}, wantUser: "oauth2accesstoken", wantSecret: e.gcpTok},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := 0
			if tt.loginPath != "" {
				before = tt.server.Count(http.MethodPost, tt.loginPath)
			}
			cfg := e.config(t, tt.block)
			env := append([]string{"REGCRED_CONFIG=" + cfg, "REGCRED_LOG=debug"}, tt.env...)
			res := runBinary(t, bin, runOpts{Env: env, Stdin: "registry.example.com"}, "get")
			require.Equal(t, 0, res.Exit, "exit %d; stdout %q; stderr %q", res.Exit, res.Stdout, res.Stderr)
			var got struct{ ServerURL, Username, Secret string }
			require.NoError(t, json.Unmarshal([]byte(res.Stdout), &got), "stdout %q", res.Stdout)
			wantUser, wantSecret := "ci-robot", e.password
			if tt.wantUser != "" {
				wantUser, wantSecret = tt.wantUser, tt.wantSecret
			}
			assert.Equal(t, "registry.example.com", got.ServerURL, "get = %+v, want %s and the secret", got, wantUser)
			assert.Equal(t, wantUser, got.Username, "get = %+v, want %s and the secret", got, wantUser)
			assert.Equal(t, wantSecret, got.Secret, "get = %+v, want %s and the secret", got, wantUser)
			if tt.loginPath != "" {
				assert.Equal(t, before+1, tt.server.Count(http.MethodPost, tt.loginPath), "no login at %s", tt.loginPath)
			}
			for _, s := range e.secrets {
				assert.NotContains(t, res.Stderr, s, "stderr holds a secret (%.8s…)", s)
			}
		})
	}
}

// TestVaultFailuresThroughBinary: a refused or unavailable Vault makes get
// fail with a message naming the path and the cause, and no secret.
func TestVaultFailuresThroughBinary(t *testing.T) {
	e := newVaultE2E(t)
	bin := testBinary(t)
	sealed := vaulttest.New(t)
	sealed.Seal()
	tests := []struct {
		name      string
		block     string
		env       []string
		fragments []string
	}{
		{name: "policy", block: "      address: " + yamlQuote(e.plain.URL) + "\n      namespace: team-a\n      mount: kv\n      kvVersion: 2\n      path: registry/ci\n",
			env: []string{"VAULT_TOKEN=hvs.e2e-powerless"}, fragments: []string{"permission denied by policy", "kv/data/registry/ci", "also for a secret that does not exist"}},
		{name: "a KV v2 path written with data/", block: "      address: " + yamlQuote(e.plain.URL) + "\n      namespace: team-a\n      mount: kv\n      kvVersion: 2\n      path: data/registry/ci\n",
			env: []string{"VAULT_TOKEN=" + e2eToken}, fragments: []string{"kv/data/registry/ci is a KV v2 API path", "without data/", "kv/registry/ci"}},
		{name: "no such secret", block: "      address: " + yamlQuote(e.plain.URL) + "\n      namespace: team-a\n      path: kv/registry/gone\n",
			env: []string{"VAULT_TOKEN=" + e2eToken}, fragments: []string{"no secret at kv/registry/gone"}},
		{name: "wrong secret id", block: "      address: " + yamlQuote(e.plain.URL) + "\n      namespace: team-a\n      path: kv/registry/ci\n" +
			"      auth: {method: approle, roleId: " + e2eRoleID + ", secretId: wrong-secret-id}\n", fragments: []string{"invalid role or secret ID"}},
		{name: "sealed", block: "      address: " + yamlQuote(sealed.URL) + "\n      path: kv/registry/ci\n",
			env: []string{"VAULT_TOKEN=" + e2eToken}, fragments: []string{"Vault unavailable at " + sealed.URL + ": sealed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := append([]string{"REGCRED_CONFIG=" + e.config(t, tt.block), "REGCRED_LOG=debug"}, tt.env...)
			res := runBinary(t, bin, runOpts{Env: env, Stdin: "registry.example.com"}, "get")
			require.Equal(t, 1, res.Exit, "exit %d, want 1; stdout %q", res.Exit, res.Stdout)
			for _, f := range tt.fragments {
				assert.Contains(t, res.Stdout, f, "stdout %q lacks %q", res.Stdout, f)
			}
			for _, s := range append(e.secrets, "wrong-secret-id") {
				assert.NotContains(t, res.Stdout+res.Stderr, s, "output holds a secret (%.8s…):\nstdout %s\nstderr %s", s, res.Stdout, res.Stderr)
			}
		})
	}
}
