package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// TestFrontHandsOffStaleTokens: a cached token due a refresh, or expired,
// is the engine's though its route is recorded: through the front ECR is
// asked again, and (ECR refusing) the cached token is served stale or the
// request fails, exactly as regcred-engine does it.
func TestFrontHandsOffStaleTokens(t *testing.T) {
	tests := []struct {
		name            string
		stored, expires time.Duration // the record's times, relative to now
		exit            int
		stale           bool   // the cached token is the answer
		stdout          string // what the answer says, when it is an error
		stderr          string // what the engine logs, proving it ran
	}{
		{name: "due a refresh and ECR refuses: the cached token with a warning", stored: -7 * time.Hour, expires: 5 * time.Hour,
			stale: true, stderr: "refreshing the credential failed"},
		{name: "expired and ECR refuses: the error", stored: -13 * time.Hour, expires: -time.Hour,
			exit: 1, stdout: "AWS denied ECR GetAuthorizationToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cloud, keys, setup, dir := frontECRSetup(t, "file")
			in := newInstall(t)
			env := pinnedEnv(t, setup...)
			// run gets a fresh token by a get straight through the engine
			// (which records the route), ages the record, makes ECR refuse
			// the next call and runs the get with bin; it returns the run,
			// the token cached and the calls bin made to ECR.
			run := func(bin func(runOpts) runResult) (runResult, string, int) {
				cold := runBinary(t, in.engine, runOpts{Env: env, Stdin: ecrHost}, "get")
				checkECRAnswer(t, cloud, cold, ecrHost, keys.ARN, "us-west-2", keys)
				if n := routeCount(t, env); n != 1 {
					t.Fatalf("the engine's get recorded %d routes, want 1", n)
				}
				now := time.Now()
				rewriteRecord(t, onlyTokenFile(t, dir), now.Add(tt.stored), now.Add(tt.expires))
				cloud.FailNext(ecrtest.ECR, ecrtest.AccessDenied, 1)
				before := cloud.Calls(ecrtest.ECR)
				res := bin(runOpts{Env: env, Stdin: ecrHost})
				return res, cold.Stdout, cloud.Calls(ecrtest.ECR) - before
			}
			through := func(bin string) func(runOpts) runResult {
				return func(o runOpts) runResult { return runBinary(t, bin, o, "get") }
			}
			front, frontCached, frontCalls := run(through(in.front))
			back, backCached, backCalls := run(through(in.engine))
			if front.Exit != tt.exit || back.Exit != tt.exit {
				t.Fatalf("exit: front %d, backend %d, want %d\nfront: %s %s\nbackend: %s", front.Exit, back.Exit, tt.exit, front.Stdout, front.Stderr, back.Stdout)
			}
			if frontCalls != 1 || backCalls != 1 {
				t.Errorf("ECR calls: through the front %d, the engine %d; want 1 each", frontCalls, backCalls)
			}
			if tt.stale && (front.Stdout != frontCached || back.Stdout != backCached) {
				t.Errorf("served front %q, backend %q; want each the cached token", front.Stdout, back.Stdout)
			}
			if !tt.stale && (front.Stdout != back.Stdout || !strings.Contains(front.Stdout, tt.stdout)) {
				t.Errorf("the front answered %q, the engine %q; want the same, saying %q", front.Stdout, back.Stdout, tt.stdout)
			}
			if tt.stderr != "" && !strings.Contains(front.Stderr, tt.stderr) {
				t.Errorf("the front's stderr does not hold the engine's %q:\n%s", tt.stderr, front.Stderr)
			}
			res, _, calls := run(func(o runOpts) runResult { return in.alone(t, o, "get") })
			in.checkHandedOff(t, res)
			if calls != 0 {
				t.Errorf("the front alone asked ECR %d times", calls)
			}
		})
	}
}

// onlyTokenFile is the one token record in the file cache under dir.
func onlyTokenFile(t *testing.T, dir string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "tokens", "*.json"))
	if err != nil || len(files) != 1 {
		t.Fatalf("token files in %s: %v (%v), want one", dir, files, err)
	}
	return files[0]
}

// TestFrontHandsOffKeyringStore: the front links no keyring, so a keyring
// store is the engine's even with the token in the file fallback; the
// engine, warning that it has no bus, records no route.
func TestFrontHandsOffKeyringStore(t *testing.T) {
	if _, err := os.Stat(filepath.Join("/run/user", strconv.Itoa(os.Getuid()), "bus")); err == nil {
		t.Skip("this machine has a session bus in /run/user: the keyring would be real")
	}
	cloud, keys, setup, _ := frontECRSetup(t, "keyring")
	in := newInstall(t)
	env := pinnedEnv(t, setup...)
	cold := runBinary(t, in.engine, runOpts{Env: env, Stdin: ecrHost}, "get")
	checkECRAnswer(t, cloud, cold, ecrHost, keys.ARN, "us-west-2", keys)

	front := sameAnswer(t, in, env, ecrHost, "get")
	if front.Stdout != cold.Stdout {
		t.Errorf("warm get through the front = %q, want the cached %q", front.Stdout, cold.Stdout)
	}
	if !strings.Contains(front.Stderr, "no D-Bus session bus") {
		t.Errorf("the engine's warning is missing, so it did not run:\n%s", front.Stderr)
	}
	if n := cloud.Calls(ecrtest.ECR); n != 1 {
		t.Errorf("GetAuthorizationToken calls = %d, want 1: the engine serves the file fallback", n)
	}
	if n := routeCount(t, env); n != 0 {
		t.Errorf("gets that warned recorded %d routes", n)
	}
	in.checkHandedOff(t, in.alone(t, runOpts{Env: env, Stdin: ecrHost}, "get"))
}

// TestFrontHandsOffWhatTheBackendMustAnswer: requests whose answer is an
// error or a warning of the engine go to it whole, and the front answers
// nothing of them alone, even after the engine has answered them once.
func TestFrontHandsOffWhatTheBackendMustAnswer(t *testing.T) {
	tests := []struct {
		name, config string
		perm         os.FileMode
		env          []string
		stdin        string
		args         []string
		stderr       string // what the engine logs, when it does
	}{
		{name: "empty stdin", config: frontStaticConfig},
		{name: "stdin over the limit", config: frontStaticConfig, stdin: strings.Repeat("r", 3<<10) + strings.Repeat("x", 3<<10)},
		{name: "version", config: frontStaticConfig, args: []string{"version"}},
		{name: "REGCRED_LOG=debug", config: frontStaticConfig, stdin: "quay.io", env: []string{"REGCRED_LOG=debug"}, stderr: "level=DEBUG"},
		{name: "REGCRED_CACHE invalid", config: frontStaticConfig, stdin: "reg.example.com", env: []string{"REGCRED_CACHE=bogus"}},
		{name: "REGCRED_CACHE invalid, unconfigured host", config: frontStaticConfig, stdin: "quay.io", env: []string{"REGCRED_CACHE=bogus"}},
		{name: "relative cache dir", config: "cache: {dir: rel/cache}\n" + frontStaticConfig, stdin: "quay.io", env: []string{"REGCRED_CACHE="}},
		{name: "config writable by group", config: frontStaticConfig, perm: 0o660, stdin: "quay.io", stderr: "writable by group or others"},
		{name: "broken config", config: "registries: [\n", stdin: "quay.io"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newInstall(t)
			cfg := writeConfig(t, tt.config)
			if tt.perm != 0 {
				must(t, os.Chmod(cfg, tt.perm))
			}
			env := pinnedEnv(t, append([]string{"REG_PW=s3cret", "REGCRED_CONFIG=" + cfg}, tt.env...)...)
			args := tt.args
			if args == nil {
				args = []string{"get"}
			}
			front := sameAnswer(t, in, env, tt.stdin, args...)
			if tt.stderr != "" && !strings.Contains(front.Stderr, tt.stderr) {
				t.Errorf("the front's stderr does not hold the engine's %q:\n%s", tt.stderr, front.Stderr)
			}
			in.checkHandedOff(t, in.alone(t, runOpts{Env: env, Stdin: tt.stdin}, args...))
		})
	}
}

// TestFrontWithoutBackend: a front installed without its backend says so
// where the engine would have put the command's error: on stdout for the
// Docker protocol, on stderr for the kubelet (also after --config) and for
// commands whose stdout is a document.
func TestFrontWithoutBackend(t *testing.T) {
	lone := loneFront(t)
	env := pinnedEnv(t, "AWS_ACCESS_KEY_ID=AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY=example")
	checkBackendMissing(t, runBinary(t, lone, runOpts{Env: env, Stdin: ecrHost}, "get"), lone, false)
	checkBackendMissing(t, runBinary(t, lone, runOpts{Env: env, Stdin: "quay.io"}, "get"), lone, false)
	kubelet := `{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderRequest","image":"` + ecrHost + `/team/app"}`
	checkBackendMissing(t, runBinary(t, lone, runOpts{Env: env, Stdin: kubelet}, "kubelet"), lone, true)
	checkBackendMissing(t, runBinary(t, lone, runOpts{Env: env, Stdin: kubelet}, "--config", "/etc/regcred/config.yaml", "kubelet"), lone, true)
	checkBackendMissing(t, runBinary(t, lone, runOpts{Env: env}, "check", "--output", "json"), lone, true)
}

// TestFrontHandOffPreservesStdin: a store (stdin the front never reads)
// and a get it reads and then hands off both reach the engine whole; a
// login stored since a not-found route sends the get back to the engine.
func TestFrontHandOffPreservesStdin(t *testing.T) {
	const registry = "login.example.com:5000"
	in := newInstall(t)
	env := pinnedEnv(t, "REG_PW=s3cret", "REGCRED_CONFIG="+writeConfig(t, frontStaticConfig))
	if nf := sameAnswer(t, in, env, registry, "get"); nf.Exit != 1 || nf.Stdout != frontNotFound || routeCount(t, env) != 1 {
		t.Fatalf("get before the login: exit %d %q, %d routes; want not found and its route", nf.Exit, nf.Stdout, routeCount(t, env))
	}
	// Bigger than any get request: the front must not cut it to its limit.
	secret := strings.Repeat("0123456789abcdef", 640)
	store := runBinary(t, in.front, runOpts{Env: env,
		Stdin: `{"ServerURL":"` + registry + `","Username":"bob","Secret":"` + secret + `"}`}, "store")
	if store.Exit != 0 || store.Stdout != "" || store.Stderr != "" {
		t.Fatalf("store through the front: exit %d, stdout %q, stderr %q", store.Exit, store.Stdout, store.Stderr)
	}
	want := `{"ServerURL":"` + registry + `","Username":"bob","Secret":"` + secret + `"}` + "\n"
	if got := sameAnswer(t, in, env, registry, "get"); got.Exit != 0 || got.Stdout != want {
		t.Fatalf("get of the stored login through the front: exit %d, stdout %.80q…, stderr %q", got.Exit, got.Stdout, got.Stderr)
	}
	in.checkHandedOff(t, in.alone(t, runOpts{Env: env, Stdin: registry}, "get"))

	if erase := runBinary(t, in.front, runOpts{Env: env, Stdin: registry}, "erase"); erase.Exit != 0 {
		t.Fatalf("erase through the front: exit %d %q %q", erase.Exit, erase.Stdout, erase.Stderr)
	}
	if got := sameAnswer(t, in, env, registry, "get"); got.Exit != 1 || got.Stdout != frontNotFound {
		t.Errorf("get after erase: exit %d %q, want not found", got.Exit, got.Stdout)
	}
}
