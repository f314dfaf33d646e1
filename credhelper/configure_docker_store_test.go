package credhelper

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oldStore puts a docker-credential-old on PATH whose list names two
// servers (Docker Hub as docker stores it) and whose get answers one.
func oldStore(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	body := `#!/bin/sh
case "$1" in
list) echo '{"https://index.docker.io/v1/":"hubuser","127.0.0.1:5000":"reguser"}' ;;
get) read -r s; [ "$s" = "127.0.0.1:5000" ] && echo '{"Username":"reguser","Secret":"old-secret-61"}' && exit 0
     echo 'credentials not found in native keychain'; exit 1 ;;
esac
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "docker-credential-old"), []byte(body), 0o755))
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// TestConfigureDockerCredsStoreKeepsOldLogins: replacing credsStore "old"
// adds a fallback helper entry per server old lists, after the config's
// own entries, shown by --dry-run and written by the real run; get then
// reaches old's login through regcred.
func TestConfigureDockerCredsStoreKeepsOldLogins(t *testing.T) {
	oldStore(t)
	cfgYAML := "# my registries\nregistries:\n  - match: 127.0.0.1:5000\n    static: {username: bob, passwordFile: /nonexistent/pw}\n"
	ta := newTestApp(t, cfgYAML, withEnv(nil, "HOME", t.TempDir()))
	cfgPath, _ := ta.app.Env.LookupEnv("REGCRED_CONFIG")
	dir := t.TempDir()
	dockerJSON := `{"auths": {"127.0.0.1:5000": {}}, "credsStore": "old"}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), []byte(dockerJSON), 0o600))
	diff, code := ta.runString(t, "", "configure-docker", "--creds-store", "--dir", dir, "--dry-run")
	for _, want := range []string{`"credsStore": "regcred"`, "+  - match: 127.0.0.1:5000\n+    helper: {name: old}", "+  - match: docker.io\n+    helper: {name: old}"} {
		assert.Equal(t, 0, code, "dry run (exit %d) lacks %q:\n%s", code, want, diff)
		assert.Contains(t, diff, want, "dry run (exit %d) lacks %q", code, want)
	}
	b, _ := os.ReadFile(cfgPath)
	require.Equal(t, cfgYAML, string(b), "--dry-run wrote the config:\n%s", b)
	storeOut, code := ta.runString(t, "", "configure-docker", "--creds-store", "--dir", dir)
	require.Equal(t, 0, code, "configure-docker: %s\n%s", storeOut, ta.stderr)
	written, _ := os.ReadFile(cfgPath)
	assert.Contains(t, string(written), "# my registries", "the config lost its content")
	assert.Contains(t, string(written), "passwordFile: /nonexistent/pw", "the config lost its content")
	docker, _ := os.ReadFile(filepath.Join(dir, "config.json"))
	assert.Contains(t, string(docker), `"credsStore": "regcred"`, "docker config")
	assert.Contains(t, string(docker), `"127.0.0.1:5000"`, "docker config")
	out, code := ta.runString(t, "127.0.0.1:5000", "get")
	assert.Equal(t, 0, code, "get through the fallback: exit %d %q\n%s", code, out, ta.stderr)
	assert.Contains(t, out, `"reguser"`, "get through the fallback: exit %d %q\n%s", code, out, ta.stderr)
	// Again: nothing more is added.
	ta.runString(t, "", "configure-docker", "--creds-store", "--dir", dir)
	again, _ := os.ReadFile(cfgPath)
	assert.Equal(t, string(written), string(again), "a second run changed the config:\n%s", again)
}
