package credhelper

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"

	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"

	"github.com/regcred/regcred/credhelper/check"
	"github.com/regcred/regcred/credhelper/loginstore"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/dockerproto"
)

// loginApp is a test app whose login store is the file store under a temp
// HOME: the config says `cache.store: file`, so no keyring is touched even
// on a machine with a session bus (the e2e tests cover the keyring).
func loginApp(t *testing.T, cfgText string, env map[string]string) (*testApp, string) {
	t.Helper()
	cfgText = "cache: {store: file}\n" + cfgText
	home := t.TempDir()
	env = withEnv(env, "HOME", home)
	return newTestApp(t, cfgText, env), filepath.Join(home, ".local", "share", "regcred", "logins")
}

func storeJSON(server, user, secret string) string {
	b, _ := json.Marshal(dockerproto.Credentials{ServerURL: server, Username: user, Secret: secret})
	return string(b)
}

func getCreds(t *testing.T, ta *testApp, server string) (dockerproto.Credentials, int, string) {
	t.Helper()
	out, code := ta.runString(t, server, "get")
	var c dockerproto.Credentials
	if code == 0 {
		require.NoError(t, json.Unmarshal([]byte(out), &c), "get answered %q", out)
	}
	return c, code, out
}

func TestLoginStoreGetListErase(t *testing.T) {
	const secret = "login-secret-7f3a"
	ta, dir := loginApp(t, "registries: []\n", nil)
	out, code := ta.runString(t, storeJSON("https://index.docker.io/v1/", "hubuser", secret), "store")
	require.Equal(t, 0, code, "store exit: %s", out)
	out, code = ta.runString(t, storeJSON("reg.example.com:5000", "alice", secret+"-2"), "store")
	require.Equal(t, 0, code, "store exit: %s", out)
	for _, tc := range []struct{ server, user, secret string }{
		{"docker.io", "hubuser", secret},
		{"https://index.docker.io/v1/", "hubuser", secret},
		{"registry-1.docker.io/library/nginx:latest", "hubuser", secret},
		{"reg.example.com:5000", "alice", secret + "-2"},
	} {
		c, code, out := getCreds(t, ta, tc.server)
		if assert.Equal(t, 0, code, "get %s exit (%q)", tc.server, out) {
			assert.Equal(t, dockerproto.Credentials{ServerURL: tc.server, Username: tc.user, Secret: tc.secret}, c, "get %s", tc.server)
		}
	}
	_, code, _ = getCreds(t, ta, "reg.example.com")
	assert.Equal(t, 1, code, "a login for reg.example.com:5000 answered reg.example.com")
	out, code = ta.runString(t, "unused", "list")
	if assert.Equal(t, 0, code, "list exit: %q", out) {
		var list map[string]string
		if assert.NoError(t, json.Unmarshal([]byte(out), &list), "list = %q", out) {
			assert.Equal(t, map[string]string{"https://index.docker.io/v1/": "hubuser", "reg.example.com:5000": "alice"}, list, "list")
		}
	}
	assertNoSecretInNames(t, dir, secret, "reg.example.com", "docker.io")

	ta.stdout.Reset()
	assert.Equal(t, 0, ta.app.Run(t.Context(), []string{"check", "--output", "json"}), "check exit")
	var rep check.Report
	require.NoError(t, json.Unmarshal(ta.stdout.Bytes(), &rep), "check --output json")
	require.Len(t, rep.Checks, 2, "check lists the stored logins? %+v", rep.Checks)
	for _, ch := range rep.Checks {
		assert.Equal(t, check.OutcomeCredential, ch.Outcome, "check of a stored login: %+v", ch)
		assert.Equal(t, "stored login", ch.Cache, "check of a stored login: %+v", ch)
		assert.Contains(t, ch.Entry, "(login, docker login)", "check of a stored login: %+v", ch)
	}
	out, code = ta.runString(t, "reg.example.com:5000\n", "erase")
	require.Equal(t, 0, code, "erase exit: %s", out)
	_, code, out = getCreds(t, ta, "reg.example.com:5000")
	assert.Equal(t, 1, code, "after erase get exit (%q)", out)
	assert.Contains(t, out, ErrNotFound.Error(), "after erase get")
	c, code, _ := getCreds(t, ta, "docker.io")
	assert.True(t, code == 0 && c.Username == "hubuser", "erasing one login removed another: exit %d, %+v", code, c)
	out, code = ta.runString(t, "never.example.com\n", "erase")
	assert.Equal(t, 0, code, "erasing what was never stored must succeed (docker logout): %q", out)
	testkit.AssertNoSecret(t, "the log", ta.stderr.String(), secret)
}

// assertNoSecretInNames walks dir: no file or directory name may hold the
// secret or a registry name, and every file must be private.
func assertNoSecretInNames(t *testing.T, dir string, forbidden ...string) {
	t.Helper()
	n := 0
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		for _, f := range forbidden {
			assert.NotContains(t, info.Name(), f, "%s holds %q in its name", path, f)
		}
		if !info.IsDir() {
			n++
			assert.Zero(t, info.Mode().Perm()&0o077, "%s has mode %v", path, info.Mode().Perm())
		}
		return nil
	})
	require.NoError(t, err, "walking %s", dir)
	require.NotZero(t, n, "walking %s: no files", dir)
}

func TestLoginComesAfterConfiguredEntries(t *testing.T) {
	cfgText := `registries:
  - match: good.example.com
    static: {username: configured, passwordEnv: PW}
  - match: broken.example.com
    static: {username: configured, passwordFile: /nonexistent/pw}
  - match: broken.example.com/team
    static: {username: team, passwordFile: /nonexistent/pw}
  - match: open.example.com
    anonymous: {}
`
	ta, _ := loginApp(t, cfgText, map[string]string{"PW": "configured-pw"})
	for _, host := range []string{"good.example.com", "broken.example.com", "open.example.com", "other.example.com"} {
		out, code := ta.runString(t, storeJSON(host, "login-user", "login-pw"), "store")
		require.Equal(t, 0, code, "store %s: %s", host, out)
	}
	tests := []struct {
		name, server, wantUser string
		wantExit               int
	}{
		{name: "a working configured entry wins", server: "good.example.com", wantUser: "configured"},
		{name: "the login serves when configured entries fail", server: "broken.example.com", wantUser: "login-user"},
		{name: "and after the path-scoped ones", server: "broken.example.com/team/app", wantUser: "login-user"},
		{name: "anonymous still ends the search", server: "open.example.com", wantExit: 1},
		{name: "an unconfigured registry's login", server: "other.example.com", wantUser: "login-user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, code, out := getCreds(t, ta, tt.server)
			assert.Equal(t, tt.wantExit, code, "get exit (%q)", out)
			assert.Equal(t, tt.wantUser, c.Username, "get = %+v", c)
		})
	}
}

// TestStoreBackOfConfiguredAnswerKeepsNoCopy: `docker login` without
// arguments logs in with what get answered and stores it back; a secret
// from the config must not be copied into the login store, and the login
// the user stored before must not be deleted for it (finding 5 of the
// writers issue: it is the fallback when the configured source fails).
func TestStoreBackOfConfiguredAnswerKeepsNoCopy(t *testing.T) {
	cfgText := "registries:\n  - match: reg.example.com\n    static: {username: robot, passwordEnv: PW}\n"
	ta, dir := loginApp(t, cfgText, map[string]string{"PW": "from-config"})
	out, code := ta.runString(t, storeJSON("reg.example.com", "alice", "alice-login"), "store")
	require.Equal(t, 0, code, "store failed: %s", out)
	require.NotZero(t, countFiles(t, dir), "a login differing from the config's answer was not stored")
	out, code = ta.runString(t, storeJSON("reg.example.com", "robot", "from-config"), "store")
	require.Equal(t, 0, code, "store failed: %s", out)
	ls, err := loginstore.Open(config.CacheConfig{Store: "file"}, ta.app.Deps.Deps, nil)
	require.NoError(t, err)
	cred, ok, err := ls.Get(t.Context(), "reg.example.com")
	require.NoError(t, err)
	require.True(t, ok, "after storing the configured answer back, no login is stored; want alice's, untouched")
	assert.Equal(t, "alice", cred.Username, "after storing the configured answer back; want alice's login, untouched")
	assert.Equal(t, "alice-login", cred.Secret.Reveal(), "after storing the configured answer back; want alice's secret, untouched")
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// TestStoreFailsWithNowhereToKeepTheLogin: with nowhere to keep the
// login, store fails (docker says "Error saving credentials") and says
// why, without the secret.
func TestStoreFailsWithNowhereToKeepTheLogin(t *testing.T) {
	ta := newTestApp(t, "", nil) // no HOME, no cache.dir
	out, code := ta.runString(t, storeJSON("reg.example.com", "u", "pw-never-logged"), "store")
	require.Equal(t, 1, code, "store exit, stdout %q", out)
	require.Contains(t, out, "not keeping the login for reg.example.com")
	require.Contains(t, out, "set cache.dir")
	testkit.AssertNoSecret(t, "the output", out+ta.stderr.String(), "pw-never-logged")
}

func TestLoginDir(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the XDG layout is Linux's")
	}
	env := func(kv ...string) func(string) (string, bool) {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return testkit.Env(m).Lookup
	}
	tests := []struct {
		name    string
		cfg     config.CacheConfig
		env     func(string) (string, bool)
		want    string
		wantErr bool
	}{
		{name: "cache dir set", cfg: config.CacheConfig{Dir: "/var/lib/regcred"}, env: env(), want: "/var/lib/regcred/logins"},
		{name: "xdg data home", env: env("XDG_DATA_HOME", "/data", "HOME", "/home/u"), want: "/data/regcred/logins"},
		{name: "relative xdg ignored", env: env("XDG_DATA_HOME", "data", "HOME", "/home/u"), want: "/home/u/.local/share/regcred/logins"},
		{name: "home", env: env("HOME", "/home/u"), want: "/home/u/.local/share/regcred/logins"},
		{name: "nothing", env: env(), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := config.LoginDir(tt.cfg, tt.env)
			if tt.wantErr {
				assert.Error(t, err, "loginDir = %q", got)
			} else {
				assert.NoError(t, err)
			}
			assert.Equal(t, tt.want, got, "loginDir")
		})
	}
}
