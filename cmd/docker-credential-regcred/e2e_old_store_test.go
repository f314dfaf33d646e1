package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	require.NoError(t, os.WriteFile(filepath.Join(bin, "docker-credential-old"), []byte(script), 0o755))
	dockerDir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dockerDir, "config.json"), []byte(`{"auths":{"127.0.0.1:5000":{}},"credsStore":"old"}`), 0o600))
	cfg := writeConfig(t, "registries:\n  - match: other.example.com\n    static: {username: u, password: p}\n")
	env := []string{"REGCRED_CONFIG=" + cfg, "DOCKER_CONFIG=" + dockerDir, "PATH=" + bin + ":" + os.Getenv("PATH")}

	before := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: "127.0.0.1:5000"}, "get")
	require.NotEqual(t, 0, before.Exit, "control: before the switch regcred answered %q", before.Stdout)
	res := runBinary(t, testBinary(t), runOpts{Env: env}, "configure-docker", "--creds-store", "--dir", dockerDir)
	require.Equal(t, 0, res.Exit, "configure-docker --creds-store: exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	got := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: "127.0.0.1:5000"}, "get")
	assert.Equal(t, 0, got.Exit, "get after the switch: exit %d %q %s", got.Exit, got.Stdout, got.Stderr)
	assert.Contains(t, got.Stdout, `"Username":"reguser"`, "get after the switch: exit %d %q %s", got.Exit, got.Stdout, got.Stderr)
	assert.Contains(t, got.Stdout, "old-store-secret-83", "get after the switch: exit %d %q %s", got.Exit, got.Stdout, got.Stderr)
	assert.NotContains(t, got.Stderr+res.Stdout+res.Stderr, "old-store-secret-83", "the old store's secret reached a log or the set-up output")
}
