package credhelper

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

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
		if err := json.Unmarshal([]byte(out), &c); err != nil {
			t.Fatalf("get answered %q: %v", out, err)
		}
	}
	return c, code, out
}

func TestLoginStoreGetListErase(t *testing.T) {
	const secret = "login-secret-7f3a"
	ta, dir := loginApp(t, "registries: []\n", nil)
	if out, code := ta.runString(t, storeJSON("https://index.docker.io/v1/", "hubuser", secret), "store"); code != 0 {
		t.Fatalf("store exit %d: %s", code, out)
	}
	if out, code := ta.runString(t, storeJSON("reg.example.com:5000", "alice", secret+"-2"), "store"); code != 0 {
		t.Fatalf("store exit %d: %s", code, out)
	}
	for _, tc := range []struct{ server, user, secret string }{
		{"docker.io", "hubuser", secret},
		{"https://index.docker.io/v1/", "hubuser", secret},
		{"registry-1.docker.io/library/nginx:latest", "hubuser", secret},
		{"reg.example.com:5000", "alice", secret + "-2"},
	} {
		c, code, out := getCreds(t, ta, tc.server)
		if code != 0 || c.Username != tc.user || c.Secret != tc.secret || c.ServerURL != tc.server {
			t.Errorf("get %s = %+v (exit %d, %q)", tc.server, c, code, out)
		}
	}
	if _, code, _ := getCreds(t, ta, "reg.example.com"); code != 1 {
		t.Error("a login for reg.example.com:5000 answered reg.example.com")
	}
	out, code := ta.runString(t, "unused", "list")
	var list map[string]string
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || list["https://index.docker.io/v1/"] != "hubuser" || list["reg.example.com:5000"] != "alice" || len(list) != 2 {
		t.Errorf("list = %q (exit %d)", out, code)
	}
	assertNoSecretInNames(t, dir, secret, "reg.example.com", "docker.io")

	ta.stdout.Reset()
	if code := ta.app.Run(t.Context(), []string{"check", "--output", "json"}); code != 0 {
		t.Errorf("check exit %d", code)
	}
	var rep check.Report
	if err := json.Unmarshal(ta.stdout.Bytes(), &rep); err != nil || len(rep.Checks) != 2 {
		t.Fatalf("check lists the stored logins? %v %+v", err, rep.Checks)
	}
	for _, ch := range rep.Checks {
		if ch.Outcome != check.OutcomeCredential || ch.Cache != "stored login" || !strings.Contains(ch.Entry, "(login, docker login)") {
			t.Errorf("check of a stored login: %+v", ch)
		}
	}
	if out, code := ta.runString(t, "reg.example.com:5000\n", "erase"); code != 0 {
		t.Fatalf("erase exit %d: %s", code, out)
	}
	if _, code, out := getCreds(t, ta, "reg.example.com:5000"); code != 1 || !strings.Contains(out, ErrNotFound.Error()) {
		t.Errorf("after erase get = exit %d, %q", code, out)
	}
	if c, code, _ := getCreds(t, ta, "docker.io"); code != 0 || c.Username != "hubuser" {
		t.Error("erasing one login removed another")
	}
	if out, code := ta.runString(t, "never.example.com\n", "erase"); code != 0 {
		t.Errorf("erasing what was never stored must succeed (docker logout): exit %d, %q", code, out)
	}
	if strings.Contains(ta.stderr.String(), secret) {
		t.Errorf("the secret reached the log:\n%s", ta.stderr.String())
	}
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
			if strings.Contains(info.Name(), f) {
				t.Errorf("%s holds %q in its name", path, f)
			}
		}
		if !info.IsDir() {
			n++
			if info.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s has mode %v", path, info.Mode().Perm())
			}
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("walking %s: %v (%d files)", dir, err, n)
	}
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
		if out, code := ta.runString(t, storeJSON(host, "login-user", "login-pw"), "store"); code != 0 {
			t.Fatalf("store %s: exit %d, %s", host, code, out)
		}
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
			if code != tt.wantExit || c.Username != tt.wantUser {
				t.Errorf("get = %+v, exit %d (%q); want user %q exit %d", c, code, out, tt.wantUser, tt.wantExit)
			}
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
	if _, code := ta.runString(t, storeJSON("reg.example.com", "alice", "alice-login"), "store"); code != 0 {
		t.Fatal("store failed")
	}
	if n := countFiles(t, dir); n == 0 {
		t.Fatal("a login differing from the config's answer was not stored")
	}
	if _, code := ta.runString(t, storeJSON("reg.example.com", "robot", "from-config"), "store"); code != 0 {
		t.Fatal("store failed")
	}
	ls, err := loginstore.Open(config.CacheConfig{Store: "file"}, ta.app.Deps.Deps, nil)
	require.NoError(t, err)
	cred, ok, err := ls.Get(t.Context(), "reg.example.com")
	if !ok || err != nil || cred.Username != "alice" || cred.Secret.Reveal() != "alice-login" {
		t.Errorf("after storing the configured answer back, the stored login is %q (ok=%v, err=%v); want alice's, untouched", cred.Username, ok, err)
	}
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
	if code != 1 || !strings.Contains(out, "not keeping the login for reg.example.com") || !strings.Contains(out, "set cache.dir") {
		t.Fatalf("store exit %d, stdout %q", code, out)
	}
	if strings.Contains(out+ta.stderr.String(), "pw-never-logged") {
		t.Error("the secret reached the output")
	}
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
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("loginDir = %q, %v; want %q (error %v)", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
