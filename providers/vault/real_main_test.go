package vault_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/openbao"
	"github.com/regcred/regcred/providers/vault"
)

// bao is the real OpenBao server these tests share (one per test binary).
var bao openbao.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	bao.Close()
	os.Exit(code)
}

// realWorld is a test's corner of the shared OpenBao: mounts, policies and
// auth methods under a name of its own, and the harness the provider uses.
type realWorld struct {
	*harness
	bao *openbao.Server
	id  string // prefixes every mount, policy and role the test makes
}

func newRealWorld(t *testing.T) *realWorld {
	t.Helper()
	s := bao.Server(t)
	return &realWorld{harness: newWorld(), bao: s,
		id: "t" + strings.ToLower(rand.Text()[:10])}
}

// provider builds a provider against the server, trusting its CA.
func (w *realWorld) provider(t *testing.T, cfg vault.Config) *vault.Provider {
	t.Helper()
	if cfg.Address == "" {
		cfg.Address = w.bao.Addr
	}
	if cfg.CACert == "" {
		cfg.CACert = w.bao.CACert
	}
	p, err := vault.New(cfg, w.deps())
	require.NoError(t, err, "New")
	return p
}

// mountKV mounts a KV engine of the version at <id>-<name> in ns.
func (w *realWorld) mountKV(t *testing.T, ns, name string, version int) string {
	t.Helper()
	m := w.id + "-" + name
	w.bao.MountKV(t, ns, m, version)
	return m
}

// put writes a KV secret (v2 when data/ is in the path).
func (w *realWorld) put(t *testing.T, ns, path string, data map[string]any) {
	t.Helper()
	if strings.Contains(path, "/data/") {
		w.bao.Write(t, ns, path, map[string]any{"data": data})
		return
	}
	w.bao.Write(t, ns, path, data)
}

// policy writes a policy granting read on each path.
func (w *realWorld) policy(t *testing.T, ns, name string, paths ...string) string {
	t.Helper()
	name = w.id + "-" + name
	var b strings.Builder
	for _, p := range paths {
		b.WriteString(`path "` + p + `" { capabilities = ["read"] }` + "\n")
	}
	w.bao.Must(t, openbao.Request{Method: http.MethodPut, Path: "sys/policies/acl/" + name, Namespace: ns,
		Body: map[string]any{"policy": b.String()}})
	return name
}

// token creates a token with the policies and the default one (without
// policies, a child token would inherit its parent's: root).
func (w *realWorld) token(t *testing.T, ns, ttl string, policies ...string) string {
	t.Helper()
	body := map[string]any{"policies": append([]string{"default"}, policies...)}
	if ttl != "" {
		body["ttl"] = ttl
	}
	m := w.bao.Write(t, ns, "auth/token/create", body)
	tok, _ := m["auth"].(map[string]any)["client_token"].(string)
	require.NotEmpty(t, tok, "auth/token/create answered no token: %v", m)
	return tok
}

func publicKeyPEM(t *testing.T, k *rsa.PrivateKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}
