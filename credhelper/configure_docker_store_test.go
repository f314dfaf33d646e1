package credhelper

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	if err := os.WriteFile(filepath.Join(dir, "docker-credential-old"), []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
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
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(dockerJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	diff, code := ta.runString(t, "", "configure-docker", "--creds-store", "--dir", dir, "--dry-run")
	for _, want := range []string{`"credsStore": "regcred"`, "+  - match: 127.0.0.1:5000\n+    helper: {name: old}", "+  - match: docker.io\n+    helper: {name: old}"} {
		if code != 0 || !strings.Contains(diff, want) {
			t.Errorf("dry run (exit %d) lacks %q:\n%s", code, want, diff)
		}
	}
	if b, _ := os.ReadFile(cfgPath); string(b) != cfgYAML {
		t.Fatalf("--dry-run wrote the config:\n%s", b)
	}
	if out, code := ta.runString(t, "", "configure-docker", "--creds-store", "--dir", dir); code != 0 {
		t.Fatalf("configure-docker exit %d: %s\n%s", code, out, ta.stderr)
	}
	written, _ := os.ReadFile(cfgPath)
	if !strings.Contains(string(written), "# my registries") || !strings.Contains(string(written), "passwordFile: /nonexistent/pw") {
		t.Errorf("the config lost its content:\n%s", written)
	}
	docker, _ := os.ReadFile(filepath.Join(dir, "config.json"))
	if !strings.Contains(string(docker), `"credsStore": "regcred"`) || !strings.Contains(string(docker), `"127.0.0.1:5000"`) {
		t.Errorf("docker config:\n%s", docker)
	}
	out, code := ta.runString(t, "127.0.0.1:5000", "get")
	if code != 0 || !strings.Contains(out, `"reguser"`) {
		t.Errorf("get through the fallback: exit %d %q\n%s", code, out, ta.stderr)
	}
	// Again: nothing more is added.
	ta.runString(t, "", "configure-docker", "--creds-store", "--dir", dir)
	if again, _ := os.ReadFile(cfgPath); string(again) != string(written) {
		t.Errorf("a second run changed the config:\n%s", again)
	}
}
