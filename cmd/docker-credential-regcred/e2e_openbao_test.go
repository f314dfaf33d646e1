package main

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/openbao"
)

// bao is the real OpenBao server of this test binary (TestMain closes it).
var bao openbao.Shared

// baoE2E is a test's corner of the shared OpenBao: a KV v1 and a KV v2
// mount holding the registry secret, a reader policy, an AppRole role
// granting it, and the files the helper reads.
type baoE2E struct {
	s                  *openbao.Server
	id                 string
	kv1, kv2           string
	roleID, secretID   string
	files              map[string]string
	password, cacheDir string
}

func newBaoE2E(t *testing.T) *baoE2E {
	t.Helper()
	s := bao.Server(t)
	e := &baoE2E{s: s, id: "e" + strings.ToLower(rand.Text()[:10]), files: map[string]string{},
		password: "bao-registry-pw-" + rand.Text()[:8], cacheDir: filepath.Join(t.TempDir(), "cache")}
	e.kv1, e.kv2 = e.id+"-kv1", e.id+"-kv2"
	s.MountKV(t, "", e.kv1, 1)
	s.MountKV(t, "", e.kv2, 2)
	s.Write(t, "", e.kv1+"/registry", map[string]any{"username": "bao-robot", "password": e.password})
	s.Write(t, "", e.kv2+"/data/registry", map[string]any{"data": map[string]any{"username": "bao-robot", "password": e.password}})
	s.Must(t, openbao.Request{Method: http.MethodPut, Path: "sys/policies/acl/" + e.id + "-reader", Body: map[string]any{
		"policy": `path "` + e.kv1 + `/*" { capabilities = ["read"] }` + "\n" + `path "` + e.kv2 + `/data/*" { capabilities = ["read"] }`}})
	s.Write(t, "", "sys/auth/"+e.id+"-approle", map[string]any{"type": "approle"})
	s.Write(t, "", "auth/"+e.id+"-approle/role/ci", map[string]any{"token_ttl": "1h", "token_policies": []string{e.id + "-reader"}})
	e.roleID = openbao.Data(s.Read(t, "", "auth/"+e.id+"-approle/role/ci/role-id"))["role_id"].(string)
	e.secretID = openbao.Data(s.Write(t, "", "auth/"+e.id+"-approle/role/ci/secret-id", nil))["secret_id"].(string)
	dir := t.TempDir()
	tokenOf := func(policies ...string) string {
		m := s.Write(t, "", "auth/token/create", map[string]any{"policies": policies})
		return m["auth"].(map[string]any)["client_token"].(string)
	}
	for name, content := range map[string]string{
		"secret-id": e.secretID, "reader-token": tokenOf(e.id + "-reader"), "powerless-token": tokenOf("default"),
		"garbage-token": "s.garbage-" + rand.Text()[:12],
	} {
		e.files[name] = filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(e.files[name], []byte(content+"\n"), 0o600))
	}
	return e
}

// secrets is every secret in play, for the leak scan.
func (e *baoE2E) secrets(t *testing.T) []string {
	t.Helper()
	out := []string{e.password, e.secretID, e.s.RootToken}
	for _, name := range []string{"reader-token", "powerless-token", "garbage-token"} {
		b, err := os.ReadFile(e.files[name])
		require.NoError(t, err)
		out = append(out, strings.TrimSpace(string(b)))
	}
	return out
}

// config is a config file with the cache and the entries (YAML list items
// below registries:).
func (e *baoE2E) config(t *testing.T, cache, entries string) []string {
	t.Helper()
	return []string{"REGCRED_CONFIG=" + writeConfig(t, "cache: {store: file, dir: "+yamlQuote(e.cacheDir)+", "+cache+"}\nregistries:\n"+entries), "REGCRED_CACHE=", "REGCRED_LOG=debug"}
}

// vault is a vault entry for registry.example.com reading path.
func (e *baoE2E) vault(path, auth string) string {
	return "  - match: registry.example.com\n    vault:\n      address: " + yamlQuote(e.s.Addr) + "\n      caCert: " + yamlQuote(e.s.CACert) +
		"\n      path: " + path + "\n      auth: " + auth + "\n"
}

func (e *baoE2E) approle() string {
	return "{method: approle, mount: " + e.id + "-approle, roleId: " + e.roleID + ", secretIdFile: " + yamlQuote(e.files["secret-id"]) + "}"
}

// get runs `get` for registry.example.com and decodes the answer.
func (e *baoE2E) get(t *testing.T, env []string) (string, runResult) {
	t.Helper()
	res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: "registry.example.com"}, "get")
	var got struct{ Username, Secret string }
	if res.Exit == 0 {
		require.NoError(t, json.Unmarshal([]byte(res.Stdout), &got), "stdout %q", res.Stdout)
	}
	return got.Secret, res
}

// noLeak fails if a secret shows in the output or in a cache file's name.
func (e *baoE2E) noLeak(t *testing.T, res runResult, allowed ...string) {
	t.Helper()
	var names []string
	_ = filepath.WalkDir(e.cacheDir, func(p string, _ os.DirEntry, _ error) error {
		names = append(names, p)
		return nil
	})
	text := res.Stderr + "\n" + strings.Join(names, "\n")
	if res.Exit != 0 {
		text += "\n" + res.Stdout
	}
	for _, s := range e.secrets(t) {
		if s != "" && strings.Contains(text, s) {
			assert.True(t, contains(allowed, s), "a secret (%.8s…) shows in the output or the cache's file names:\n%s", s, text)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestOpenBaoLoginReusedAcrossProcesses: cold gets in separate processes
// (the credential itself not cached: ttl 0s) log in once; the token lives in
// the token cache, under a key that holds no secret. A token revoked behind
// the cache's back is dropped and replaced by one new login.
func TestOpenBaoLoginReusedAcrossProcesses(t *testing.T) {
	e := newBaoE2E(t)
	env := e.config(t, "ttl: 0s", e.vault(e.kv2+"/registry", e.approle()))
	before := len(e.s.Accessors(t, ""))
	const n = 4
	for i := range n {
		secret, res := e.get(t, env)
		require.Equal(t, 0, res.Exit, "get %d: exit %d\n%s\n%s", i, res.Exit, res.Stdout, res.Stderr)
		require.Equal(t, e.password, secret, "get %d: exit %d\n%s\n%s", i, res.Exit, res.Stdout, res.Stderr)
		e.noLeak(t, res, e.password)
	}
	after := e.s.Accessors(t, "")
	got := len(after) - before
	require.Equal(t, 1, got, "%d cold gets in separate processes created %d tokens, want 1", n, got)
	// Revoke every token but the root's: the cached one is refused, then
	// classified invalid, dropped, and one new login serves.
	for _, a := range after {
		m := e.s.Must(t, openbao.Request{Method: http.MethodPost, Path: "auth/token/lookup-accessor", Body: map[string]any{"accessor": a}})
		if openbao.Data(m)["path"] == "auth/"+e.id+"-approle/login" {
			e.s.Write(t, "", "auth/token/revoke-accessor", map[string]any{"accessor": a})
		}
	}
	revoked := len(e.s.Accessors(t, ""))
	for i := range 2 {
		secret, res := e.get(t, env)
		require.Equal(t, 0, res.Exit, "get %d after revocation: exit %d\n%s\n%s", i, res.Exit, res.Stdout, res.Stderr)
		require.Equal(t, e.password, secret, "get %d after revocation: exit %d\n%s\n%s", i, res.Exit, res.Stdout, res.Stderr)
		e.noLeak(t, res, e.password)
	}
	got = len(e.s.Accessors(t, "")) - revoked
	assert.Equal(t, 1, got, "after the revocation, 2 gets created %d tokens, want 1", got)
}

// TestOpenBaoKVv1CacheTTL: a KV v1 secret is kept for cache.ttl, not for
// its 768h lease_duration; with 0s a rotated password is seen at once.
func TestOpenBaoKVv1CacheTTL(t *testing.T) {
	e := newBaoE2E(t)
	auth := "{tokenFile: " + yamlQuote(e.files["reader-token"]) + "}"
	env := e.config(t, "ttl: 0s", e.vault(e.kv1+"/registry", auth))
	secret, res := e.get(t, env)
	require.Equal(t, e.password, secret, "first get: exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	rotated := "bao-rotated-pw-" + rand.Text()[:8]
	e.s.Write(t, "", e.kv1+"/registry", map[string]any{"username": "bao-robot", "password": rotated})
	secret, res = e.get(t, env)
	require.Equal(t, rotated, secret, "with ttl 0s, the get after a rotation answered the old password (exit %d)\n%s", res.Exit, res.Stderr)
	e.noLeak(t, res, rotated)
	list := runBinary(t, testBinary(t), runOpts{Env: env}, "cache", "list")
	assert.NotContains(t, list.Stdout, "registry.example.com", "with ttl 0s, cache list shows an entry")

	// With ttl 1h the entry expires within the hour, not in 768h.
	env = e.config(t, "ttl: 1h", e.vault(e.kv1+"/registry", auth))
	secret, _ = e.get(t, env)
	require.Equal(t, rotated, secret, "ttl 1h: no answer")
	list = runBinary(t, testBinary(t), runOpts{Env: env}, "cache", "list")
	assert.Contains(t, list.Stdout, "registry.example.com", "ttl 1h: cache list")
	assert.NotContains(t, list.Stdout, "767h", "ttl 1h: cache list")
	assert.NotContains(t, list.Stdout, "768h", "ttl 1h: cache list")
}

// TestOpenBaoDeniedFallsThrough: an entry whose token is refused (by
// policy, or invalid) is skipped for the next; when all fail, the message
// names each entry and tells an invalid token from a policy.
func TestOpenBaoDeniedFallsThrough(t *testing.T) {
	e := newBaoE2E(t)
	tokenAuth := func(name string) string { return "{tokenFile: " + yamlQuote(e.files[name]) + "}" }
	env := e.config(t, "ttl: 0s", e.vault(e.kv2+"/registry", tokenAuth("powerless-token"))+e.vault(e.kv2+"/registry", tokenAuth("garbage-token"))+
		e.vault(e.kv1+"/registry", tokenAuth("reader-token")))
	secret, res := e.get(t, env)
	require.Equal(t, 0, res.Exit, "exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	require.Equal(t, e.password, secret, "exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	e.noLeak(t, res, e.password)

	env = e.config(t, "ttl: 0s", e.vault(e.kv2+"/registry", tokenAuth("powerless-token"))+e.vault(e.kv2+"/registry", tokenAuth("garbage-token")))
	_, res = e.get(t, env)
	require.Equal(t, 1, res.Exit, "exit %d, want 1\n%s", res.Exit, res.Stdout)
	for _, f := range []string{"2 matching entries failed", "permission denied by policy looking up the mount of " + e.kv2 + "/registry",
		"the Vault token is invalid or expired (run `bao login`/`vault login`, or check tokenFile)"} {
		assert.Contains(t, res.Stdout, f, "stdout lacks %q", f)
	}
	e.noLeak(t, res)
}
