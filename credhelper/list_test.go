package credhelper

import (
	"context"
	"encoding/json"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

// TestListNamesOnlyWhatGetAnswersHere: `list` names a server only when a
// get for it is answered on this machine, so docker's GetAllCredentials
// (list, then get on each) never fails for an entry of another registry.
func TestListNamesOnlyWhatGetAnswersHere(t *testing.T) {
	var vaultCalls atomic.Int32
	vault := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		vaultCalls.Add(1)
		http.Error(w, "sealed", http.StatusServiceUnavailable)
	}))
	t.Cleanup(vault.Close)
	env := map[string]string{"PW": "pw-list-7", "VAULT_TOKEN": "vault-token-list-7"}
	tests := []struct {
		name, config string
		want         map[string]string
	}{
		{name: "static that reads", config: `
  - match: reg.example.com
    static: {username: robot, passwordEnv: PW}`, want: map[string]string{"reg.example.com": "robot"}},
		{name: "static whose file is missing", config: `
  - match: other.example.com
    static: {username: bob, passwordFile: /nonexistent/pw}`, want: map[string]string{}},
		{name: "broken first, working fallback", config: `
  - match: reg.example.com
    static: {username: bob, passwordFile: /nonexistent/pw}
  - match: reg.example.com
    static: {username: robot, passwordEnv: PW}`, want: map[string]string{"reg.example.com": "robot"}},
		{name: "path-scoped static names its host", config: `
  - match: reg.example.com:5000/team
    static: {username: team, passwordEnv: PW}`, want: map[string]string{"reg.example.com:5000": "team"}},
		{name: "docker hub under docker's key", config: `
  - match: docker.io
    static: {username: hubuser, passwordEnv: PW}`, want: map[string]string{"https://index.docker.io/v1/": "hubuser"}},
		{name: "anonymous", config: `
  - match: public.example.com
    anonymous: {}`, want: map[string]string{}},
		{name: "glob", config: `
  - match: "*.example.com"
    static: {username: robot, passwordEnv: PW}`, want: map[string]string{}},
		{name: "verify needs the registry", config: `
  - match: reg.example.com
    verify: true
    static: {username: robot, passwordEnv: PW}`, want: map[string]string{}},
		{name: "backend with nothing cached", config: `
  - match: vault.example.com
    vault: {address: "` + vault.URL + `", path: secret/reg}`, want: map[string]string{}},
		{name: "backend before a static fallback", config: `
  - match: reg.example.com
    vault: {address: "` + vault.URL + `", path: secret/reg}
  - match: reg.example.com
    static: {username: robot, passwordEnv: PW}`, want: map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestApp(t, "cache: {store: file}\nregistries:"+tt.config+"\n", withEnv(env, "HOME", t.TempDir()))
			out, code := ta.runString(t, "unused", "list")
			require.Equal(t, 0, code, "list exit: %q", out)
			var got map[string]string
			require.NoError(t, json.Unmarshal([]byte(out), &got), "list answered %q", out)
			// maps.Equal: an empty answer may decode to an empty or a nil map.
			assert.True(t, maps.Equal(got, tt.want), "list = %v, want %v", got, tt.want)
			testkit.AssertNoSecret(t, "the output", out+ta.stderr.String(), env["PW"])
		})
	}
	assert.Zero(t, vaultCalls.Load(), "list called a backend")
}

// TestListNamesAWarmToken: a host whose token is cached and fresh is
// listed (its get is a cache hit); the backend is asked by get only.
func TestListNamesAWarmToken(t *testing.T) {
	calls := 0
	e := &fakeEntry{pattern: "tok.example.com", cached: true, fn: func(context.Context, providers.Request) (providers.Credential, error) {
		calls++
		return providers.Credential{Username: "AWS", Secret: "tok-secret", ExpiresAt: time.Now().Add(time.Hour)}, nil
	}}
	r := fakeResolver(t, e)
	r.configEntries = 1
	r.cache, _ = fileCache(t)
	require.Empty(t, listing(t.Context(), r), "cold: list, want nothing")
	require.Zero(t, calls, "cold: backend calls")
	_, err := r.Resolve(t.Context(), target(t, "tok.example.com"))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"tok.example.com": "AWS"}, listing(t.Context(), r), "warm: list")
	assert.Equal(t, 1, calls, "warm: backend calls, want the one get's call")
}

// TestListKeepsTheStoredServer: a login is listed under the server the
// client stored it with, never renamed; a server that could carry a
// secret is not kept, and the login shows under its registry.
func TestListKeepsTheStoredServer(t *testing.T) {
	tests := []struct {
		name, server, want string
	}{
		{name: "docker's hub key", server: "https://index.docker.io/v1/", want: "https://index.docker.io/v1/"},
		{name: "podman's hub key", server: "docker.io", want: "docker.io"},
		{name: "host and port", server: "reg.example.com:5000", want: "reg.example.com:5000"},
		{name: "with a scheme", server: "https://reg.example.com", want: "https://reg.example.com"},
		{name: "user information dropped", server: "https://u:pw-in-url-9@reg.example.com", want: "reg.example.com"},
		{name: "query dropped", server: "reg.example.com/v2/?token=pw-in-url-9", want: "reg.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta, dir := loginApp(t, "registries: []\n", nil)
			out, code := ta.runString(t, storeJSON(tt.server, "alice", "login-pw-3"), "store")
			require.Equal(t, 0, code, "store exit: %s", out)
			out, code = ta.runString(t, "unused", "list")
			assert.Equal(t, 0, code, "list exit")
			var got map[string]string
			assert.NoError(t, json.Unmarshal([]byte(out), &got), "list answered %q", out)
			assert.Equal(t, map[string]string{tt.want: "alice"}, got, "list")
			c, code, _ := getCreds(t, ta, tt.want)
			assert.Equal(t, 0, code, "get %s, as listed: exit", tt.want)
			assert.Equal(t, "alice", c.Username, "get %s, as listed = %+v", tt.want, c)
			assertNoSecretInNames(t, dir, "pw-in-url-9")
			assertNoSecretInFiles(t, dir, "pw-in-url-9")
		})
	}
}

// assertNoSecretInFiles: no file under dir holds any of forbidden.
func assertNoSecretInFiles(t *testing.T, dir string, forbidden ...string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, f := range forbidden {
			assert.NotContains(t, string(data), f, "%s holds %q", path, f)
		}
		return nil
	})
	require.NoError(t, err)
}

// TestListLeavesOutALoginBehindAnonymous: get stops at an `anonymous`
// entry, so a stored login behind it never answers a get; list must not
// name it (docker would get "not found" for a listed server).
func TestListLeavesOutALoginBehindAnonymous(t *testing.T) {
	ta, _ := loginApp(t, "registries:\n  - match: public.example.com\n    anonymous: {}\n", nil)
	out, code := ta.runString(t, storeJSON("public.example.com", "alice", "login-pw-4"), "store")
	require.Equal(t, 0, code, "store exit: %s", out)
	out, code = ta.runString(t, "unused", "list")
	require.Equal(t, 0, code, "list exit: %q", out)
	var got map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &got), "list answered %q", out)
	for key, user := range got {
		c, code, _ := getCreds(t, ta, key)
		assert.Equal(t, 0, code, "list names %s as %s, but get fails", key, user)
		assert.Equal(t, user, c.Username, "list names %s as %s, but get answers %+v", key, user, c)
	}
}
