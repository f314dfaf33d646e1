package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A `docker login` regcred keeps is the user's only copy: it is kept where
// get reads it or store fails; it is deleted only by erase; one that
// cannot be read is reported, not taken for absent.

func loginEnv(t *testing.T, cfg string, extra ...string) []string {
	t.Helper()
	env := pinnedEnv(t, brokenBus(t), "REGCRED_CONFIG="+cfg, "REGCRED_LOG=warn")
	return append(env, extra...)
}

const storeAlice = `{"ServerURL":"reg.example.com","Username":"alice","Secret":"alice-pw-9c1"}`

// TestStoreUnderABrokenConfigFails is finding 4: with a typo in the config
// the login is not put in a default store that get, once the config is
// fixed, would never read; store fails and says why.
func TestStoreUnderABrokenConfigFails(t *testing.T) {
	cfg := writeConfig(t, "cache: {store: file, dir: CACHE}\nregistries:\n  - match: reg.example.com\n    statik: {}\n")
	env := loginEnv(t, cfg)
	res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: storeAlice}, "store")
	assert.Equal(t, 1, res.Exit, "store under a broken config: exit %d, stdout %q", res.Exit, res.Stdout)
	assert.Contains(t, res.Stdout, "the config does not load", "store under a broken config: exit %d, stdout", res.Exit)
	files := loginFiles(t, envValue(t, env, "HOME"))
	assert.Empty(t, files, "the login went to the default store anyway: %v", files)
	assert.NotContains(t, res.Stdout+res.Stderr, "alice-pw-9c1", "the secret reached the output")
}

// TestStoringTheConfiguredAnswerDeletesNoLogin is finding 5: `docker
// login` without -u stores back what get answered; that must not delete
// the login the user stored before, which answers when the configured
// source fails.
func TestStoringTheConfiguredAnswerDeletesNoLogin(t *testing.T) {
	cfg := writeConfig(t, "registries:\n  - match: reg.example.com\n    static: {username: robot, passwordEnv: PW}\n")
	env := loginEnv(t, cfg)
	res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: storeAlice}, "store")
	require.Equal(t, 0, res.Exit, "store alice: %d %s", res.Exit, res.Stdout)
	withPW := append(env, "PW=robot-pw")
	res = runBinary(t, testBinary(t), runOpts{Env: withPW, Stdin: `{"ServerURL":"reg.example.com","Username":"robot","Secret":"robot-pw"}`}, "store")
	require.Equal(t, 0, res.Exit, "store of the configured answer: %d %s", res.Exit, res.Stdout)
	got := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: "reg.example.com"}, "get") // PW unset: the static entry fails
	assert.Equal(t, 0, got.Exit, "with the configured source failing, get = exit %d %q; want alice's stored login", got.Exit, got.Stdout)
	assert.Contains(t, got.Stdout, `"Username":"alice"`, "with the configured source failing, get = exit %d %q; want alice's stored login", got.Exit, got.Stdout)
	assert.Contains(t, got.Stdout, "alice-pw-9c1", "with the configured source failing, get = exit %d %q; want alice's stored login", got.Exit, got.Stdout)
}

// TestUnreadableLoginIsReportedNotForgotten is finding 8: a truncated or
// 0644 login file is named, with the reason, by get, list and check; it is
// not "logged out"; store replaces it saying so.
func TestUnreadableLoginIsReportedNotForgotten(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, path string)
		reason string
	}{
		{name: "truncated", damage: func(t *testing.T, p string) { require.NoError(t, os.Truncate(p, 10)) }, reason: "not a regcred cache record"},
		{name: "open to others", damage: func(t *testing.T, p string) { require.NoError(t, os.Chmod(p, 0o644)) }, reason: "open to other users"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := writeConfig(t, "cache: {store: file}\nregistries:\n  - match: other.example.com\n    static: {username: u, password: p}\n")
			env := loginEnv(t, cfg)
			res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: storeAlice}, "store")
			require.Equal(t, 0, res.Exit, "store: %d %s", res.Exit, res.Stdout)
			files := loginFiles(t, envValue(t, env, "HOME"))
			require.Len(t, files, 1, "login files %v, want 1", files)
			tt.damage(t, files[0])

			get := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: "reg.example.com"}, "get")
			assert.Equal(t, 1, get.Exit, "get: %q", get.Stdout)
			for _, want := range []string{"cannot be read", files[0], tt.reason} {
				assert.Contains(t, get.Stdout, want, "get should name the login as unreadable")
			}
			assert.NotContains(t, get.Stdout, "logout", "get")
			list := runBinary(t, testBinary(t), runOpts{Env: env}, "list")
			assert.Contains(t, list.Stderr, files[0], "list says nothing of the unreadable login")
			assert.Contains(t, list.Stderr, tt.reason, "list says nothing of the unreadable login")
			check := runBinary(t, testBinary(t), runOpts{Env: env}, "check")
			assert.Contains(t, check.Stdout+check.Stderr, files[0], "check says nothing of the unreadable login:\n%s\n%s", check.Stdout, check.Stderr)
			store := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: storeAlice}, "store")
			assert.Equal(t, 0, store.Exit, "store over it: exit %d, stderr %q", store.Exit, store.Stderr)
			assert.Contains(t, store.Stderr, "replacing a stored login that could not be read", "store over it: exit %d, stderr", store.Exit)
			again := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: "reg.example.com"}, "get")
			assert.Equal(t, 0, again.Exit, "after store, get: %s", again.Stdout)
			for _, out := range []string{get.Stdout, get.Stderr, list.Stdout, list.Stderr, check.Stdout, check.Stderr} {
				assert.NotContains(t, out, "alice-pw-9c1", "the secret reached the output")
			}
		})
	}
}

// TestStoreOnAFullDiskFails is finding 10's second part: a login that
// cannot be written fails store, leaving no partial file.
func TestStoreOnAFullDiskFails(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	mountTmpfs(t, dir, "64k")
	cfg := writeConfig(t, "cache: {store: file, dir: "+dir+"}\n")
	env := loginEnv(t, cfg)
	fillDisk(t, filepath.Join(dir, "filler"))
	res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: storeAlice}, "store")
	assert.Equal(t, 1, res.Exit, "store on a full disk: exit %d, stdout %q", res.Exit, res.Stdout)
	assert.Contains(t, res.Stdout, "no space left on device", "store on a full disk: exit %d, stdout", res.Exit)
	left, _ := filepath.Glob(filepath.Join(dir, "logins", "tokens", "*"))
	assert.Empty(t, left, "files left behind: %v", left)
}

// TestCheckNotesLoginsLeftInTheOldStore is finding 10's last part: with
// credsStore switched to regcred, an auths entry whose login is in the old
// store is noted by check, with what to do.
func TestCheckNotesLoginsLeftInTheOldStore(t *testing.T) {
	dockerDir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dockerDir, "config.json"), []byte(`{"auths":{"old.example.com":{}},"credsStore":"regcred"}`), 0o600))
	cfg := writeConfig(t, "registries:\n  - match: served.example.com\n    static: {username: u, password: p}\n")
	res := runBinary(t, testBinary(t), runOpts{Env: loginEnv(t, cfg, "DOCKER_CONFIG="+dockerDir)}, "check")
	assert.Contains(t, res.Stdout, `auths["old.example.com"]`, "check says nothing of the login left in the old store:\n%s\n%s", res.Stdout, res.Stderr)
	assert.Contains(t, res.Stdout, "docker login old.example.com", "check says nothing of the login left in the old store:\n%s\n%s", res.Stdout, res.Stderr)
}
