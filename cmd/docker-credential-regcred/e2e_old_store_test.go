package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSwitchingCredsStoreKeepsTheOldStoresLogins is finding 4 of the
// clients issue through the built executables: a user whose logins live in
// another credential store ("old", a stand-in for desktop or osxkeychain)
// switches credsStore to regcred with configure-docker --creds-store, and
// the next get for a server only the old store knows still answers, with
// the old store's credential.
func TestSwitchingCredsStoreKeepsTheOldStoresLogins(t *testing.T) {
	bin := t.TempDir()
	script := `#!/bin/sh
case "$1" in
list) echo '{"127.0.0.1:5000":"reguser"}' ;;
get) read -r s; [ "$s" = "127.0.0.1:5000" ] && echo '{"Username":"reguser","Secret":"old-store-secret-83"}' && exit 0
     echo 'credentials not found in native keychain'; exit 1 ;;
esac
`
	must(t, os.WriteFile(filepath.Join(bin, "docker-credential-old"), []byte(script), 0o755))
	dockerDir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dockerDir, "config.json"), []byte(`{"auths":{"127.0.0.1:5000":{}},"credsStore":"old"}`), 0o600))
	cfg := writeConfig(t, "registries:\n  - match: other.example.com\n    static: {username: u, password: p}\n")
	env := []string{"REGCRED_CONFIG=" + cfg, "DOCKER_CONFIG=" + dockerDir, "PATH=" + bin + ":" + os.Getenv("PATH")}

	if before := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: "127.0.0.1:5000"}, "get"); before.Exit == 0 {
		t.Fatalf("control: before the switch regcred answered %q", before.Stdout)
	}
	res := runBinary(t, testBinary(t), runOpts{Env: env}, "configure-docker", "--creds-store", "--dir", dockerDir)
	if res.Exit != 0 {
		t.Fatalf("configure-docker --creds-store: exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	}
	got := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: "127.0.0.1:5000"}, "get")
	if got.Exit != 0 || !strings.Contains(got.Stdout, `"Username":"reguser"`) || !strings.Contains(got.Stdout, "old-store-secret-83") {
		t.Errorf("get after the switch: exit %d %q %s", got.Exit, got.Stdout, got.Stderr)
	}
	if strings.Contains(got.Stderr+res.Stdout+res.Stderr, "old-store-secret-83") {
		t.Error("the old store's secret reached a log or the set-up output")
	}
}
