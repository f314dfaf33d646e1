package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	if res.Exit != 1 || !strings.Contains(res.Stdout, "the config does not load") {
		t.Errorf("store under a broken config: exit %d, stdout %q", res.Exit, res.Stdout)
	}
	if files := loginFiles(t, envValue(t, env, "HOME")); len(files) != 0 {
		t.Errorf("the login went to the default store anyway: %v", files)
	}
	if strings.Contains(res.Stdout+res.Stderr, "alice-pw-9c1") {
		t.Error("the secret reached the output")
	}
}

// TestStoringTheConfiguredAnswerDeletesNoLogin is finding 5: `docker
// login` without -u stores back what get answered; that must not delete
// the login the user stored before, which answers when the configured
// source fails.
func TestStoringTheConfiguredAnswerDeletesNoLogin(t *testing.T) {
	cfg := writeConfig(t, "registries:\n  - match: reg.example.com\n    static: {username: robot, passwordEnv: PW}\n")
	env := loginEnv(t, cfg)
	if res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: storeAlice}, "store"); res.Exit != 0 {
		t.Fatalf("store alice: %d %s", res.Exit, res.Stdout)
	}
	withPW := append(env, "PW=robot-pw")
	res := runBinary(t, testBinary(t), runOpts{Env: withPW, Stdin: `{"ServerURL":"reg.example.com","Username":"robot","Secret":"robot-pw"}`}, "store")
	if res.Exit != 0 {
		t.Fatalf("store of the configured answer: %d %s", res.Exit, res.Stdout)
	}
	got := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: "reg.example.com"}, "get") // PW unset: the static entry fails
	if got.Exit != 0 || !strings.Contains(got.Stdout, `"Username":"alice"`) || !strings.Contains(got.Stdout, "alice-pw-9c1") {
		t.Errorf("with the configured source failing, get = exit %d %q; want alice's stored login", got.Exit, got.Stdout)
	}
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
		{name: "truncated", damage: func(t *testing.T, p string) { must(t, os.Truncate(p, 10)) }, reason: "not a regcred cache record"},
		{name: "open to others", damage: func(t *testing.T, p string) { must(t, os.Chmod(p, 0o644)) }, reason: "open to other users"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := writeConfig(t, "cache: {store: file}\nregistries:\n  - match: other.example.com\n    static: {username: u, password: p}\n")
			env := loginEnv(t, cfg)
			if res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: storeAlice}, "store"); res.Exit != 0 {
				t.Fatalf("store: %d %s", res.Exit, res.Stdout)
			}
			files := loginFiles(t, envValue(t, env, "HOME"))
			if len(files) != 1 {
				t.Fatalf("login files %v, want 1", files)
			}
			tt.damage(t, files[0])

			get := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: "reg.example.com"}, "get")
			if get.Exit != 1 || !strings.Contains(get.Stdout, "cannot be read") || !strings.Contains(get.Stdout, files[0]) ||
				!strings.Contains(get.Stdout, tt.reason) || strings.Contains(get.Stdout, "logout") {
				t.Errorf("get: exit %d %q; want the login named as unreadable, with %q", get.Exit, get.Stdout, tt.reason)
			}
			list := runBinary(t, testBinary(t), runOpts{Env: env}, "list")
			if !strings.Contains(list.Stderr, files[0]) || !strings.Contains(list.Stderr, tt.reason) {
				t.Errorf("list says nothing of the unreadable login:\n%s", list.Stderr)
			}
			check := runBinary(t, testBinary(t), runOpts{Env: env}, "check")
			if !strings.Contains(check.Stdout+check.Stderr, files[0]) {
				t.Errorf("check says nothing of the unreadable login:\n%s\n%s", check.Stdout, check.Stderr)
			}
			store := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: storeAlice}, "store")
			if store.Exit != 0 || !strings.Contains(store.Stderr, "replacing a stored login that could not be read") {
				t.Errorf("store over it: exit %d, stderr %q", store.Exit, store.Stderr)
			}
			if get := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: "reg.example.com"}, "get"); get.Exit != 0 {
				t.Errorf("after store, get: %d %s", get.Exit, get.Stdout)
			}
			for _, out := range []string{get.Stdout, get.Stderr, list.Stdout, list.Stderr, check.Stdout, check.Stderr} {
				if strings.Contains(out, "alice-pw-9c1") {
					t.Error("the secret reached the output")
				}
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
	if res.Exit != 1 || !strings.Contains(res.Stdout, "no space left on device") {
		t.Errorf("store on a full disk: exit %d, stdout %q", res.Exit, res.Stdout)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "logins", "tokens", "*"))
	if len(left) != 0 {
		t.Errorf("files left behind: %v", left)
	}
}

// TestCheckNotesLoginsLeftInTheOldStore is finding 10's last part: with
// credsStore switched to regcred, an auths entry whose login is in the old
// store is noted by check, with what to do.
func TestCheckNotesLoginsLeftInTheOldStore(t *testing.T) {
	dockerDir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dockerDir, "config.json"), []byte(`{"auths":{"old.example.com":{}},"credsStore":"regcred"}`), 0o600))
	cfg := writeConfig(t, "registries:\n  - match: served.example.com\n    static: {username: u, password: p}\n")
	res := runBinary(t, testBinary(t), runOpts{Env: loginEnv(t, cfg, "DOCKER_CONFIG="+dockerDir)}, "check")
	if !strings.Contains(res.Stdout, `auths["old.example.com"]`) || !strings.Contains(res.Stdout, "docker login old.example.com") {
		t.Errorf("check says nothing of the login left in the old store:\n%s\n%s", res.Stdout, res.Stderr)
	}
}
