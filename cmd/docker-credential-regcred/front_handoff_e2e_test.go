package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// TestFrontHandsOffStaleTokens: a cached token due a refresh, or expired,
// is renewed though its route is recorded: through the front ECR is asked
// again (by the fetcher, its route recording the call), and, ECR refusing,
// the cached token still valid is served with a warning, as regcred-engine
// alone serves it; an expired one goes on to the engine, which asks once
// more and fails exactly as it does alone.
func TestFrontHandsOffStaleTokens(t *testing.T) {
	tests := []struct {
		name            string
		stored, expires time.Duration // the record's times, relative to now
		exit            int
		stale           bool   // the cached token is the answer
		stdout          string // what the answer says, when it is an error
		stderr          string // what the engine logs, proving it ran
		frontCalls      int    // ECR calls through the front
	}{
		{name: "due a refresh and ECR refuses: the cached token with a warning", stored: -7 * time.Hour, expires: 5 * time.Hour,
			stale: true, stderr: "refreshing the credential failed", frontCalls: 1},
		{name: "expired and ECR refuses: the error", stored: -13 * time.Hour, expires: -time.Hour,
			exit: 1, stdout: "AWS denied ECR GetAuthorizationToken", frontCalls: 2},
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
			run := func(bin func(runOpts) runResult, refusals int) (runResult, string, int) {
				cold := runBinary(t, in.engine, runOpts{Env: env, Stdin: ecrHost}, "get")
				checkECRAnswer(t, cloud, cold, ecrHost, keys.ARN, "us-west-2", keys)
				n := routeCount(t, env)
				require.Equal(t, 1, n, "the engine's get recorded %d routes, want 1", n)
				now := time.Now()
				rewriteRecord(t, onlyTokenFile(t, dir), now.Add(tt.stored), now.Add(tt.expires))
				if refusals > 0 {
					cloud.FailNext(ecrtest.ECR, ecrtest.AccessDenied, refusals)
				}
				before := cloud.Calls(ecrtest.ECR)
				res := bin(runOpts{Env: env, Stdin: ecrHost})
				return res, cold.Stdout, cloud.Calls(ecrtest.ECR) - before
			}
			through := func(bin string) func(runOpts) runResult {
				return func(o runOpts) runResult { return runBinary(t, bin, o, "get") }
			}
			// A refusal is no outage: the fetcher's and the engine's calls are both refused.
			front, frontCached, frontCalls := run(through(in.front), tt.frontCalls)
			back, backCached, backCalls := run(through(in.engine), 1)
			require.Equal(t, tt.exit, front.Exit, "exit: front %d, engine %d, want %d\nfront: %s %s\nengine: %s", front.Exit, back.Exit, tt.exit, front.Stdout, front.Stderr, back.Stdout)
			require.Equal(t, tt.exit, back.Exit, "exit: front %d, engine %d, want %d\nfront: %s %s\nengine: %s", front.Exit, back.Exit, tt.exit, front.Stdout, front.Stderr, back.Stdout)
			assert.Equal(t, tt.frontCalls, frontCalls, "ECR calls: through the front %d (the fetcher's, then any the engine made), the engine alone %d", frontCalls, backCalls)
			assert.Equal(t, 1, backCalls, "ECR calls: through the front %d (the fetcher's, then any the engine made), the engine alone %d", frontCalls, backCalls)
			if tt.stale {
				assert.Equal(t, frontCached, front.Stdout, "served front %q, engine %q; want each the cached token", front.Stdout, back.Stdout)
				assert.Equal(t, backCached, back.Stdout, "served front %q, engine %q; want each the cached token", front.Stdout, back.Stdout)
			}
			if !tt.stale {
				assert.Equal(t, back.Stdout, front.Stdout, "the front answered %q, the engine %q; want the same, saying %q", front.Stdout, back.Stdout, tt.stdout)
				assert.Contains(t, front.Stdout, tt.stdout, "the front answered %q, the engine %q; want the same, saying %q", front.Stdout, back.Stdout, tt.stdout)
			}
			if tt.stderr != "" {
				assert.Contains(t, front.Stderr, tt.stderr, "the front's stderr does not hold the engine's %q", tt.stderr)
			}
			res, _, calls := run(func(o runOpts) runResult { return in.alone(t, o, "get") }, 0)
			in.checkHandedOff(t, res)
			assert.Equal(t, 0, calls, "the front alone asked ECR %d times", calls)
			res, cached, calls := run(func(o runOpts) runResult { return in.withoutEngine(t, o, "get") }, 1)
			if tt.stale {
				assert.Equal(t, cached, res.Stdout, "the fetcher, ECR refusing, did not serve the still-valid token")
			} else {
				in.checkHandedOff(t, res)
			}
			assert.Equal(t, 1, calls, "the front and the fetcher, the engine unexecutable, asked ECR %d times; want the fetcher's one", calls)
		})
	}
}

// onlyTokenFile is the one token record in the file cache under dir.
func onlyTokenFile(t *testing.T, dir string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "tokens", "*.json"))
	require.NoError(t, err, "token files in %s: %v (%v), want one", dir, files, err)
	require.Len(t, files, 1, "token files in %s: %v (%v), want one", dir, files, err)
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
	assert.Equal(t, cold.Stdout, front.Stdout, "warm get through the front = %q, want the cached %q", front.Stdout, cold.Stdout)
	assert.Contains(t, front.Stderr, "no D-Bus session bus", "the engine's warning is missing, so it did not run")
	n := cloud.Calls(ecrtest.ECR)
	assert.Equal(t, 1, n, "GetAuthorizationToken calls = %d, want 1: the engine serves the file fallback", n)
	n = routeCount(t, env)
	assert.Equal(t, 0, n, "gets that warned recorded %d routes", n)
	in.checkHandedOff(t, in.alone(t, runOpts{Env: env, Stdin: ecrHost}, "get"))
}

// TestFrontHandsOffWhatTheEngineMustAnswer: requests whose answer is an
// error or a warning of the engine go to it whole, and the front answers
// nothing of them alone, even after the engine has answered them once.
func TestFrontHandsOffWhatTheEngineMustAnswer(t *testing.T) {
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
				require.NoError(t, os.Chmod(cfg, tt.perm))
			}
			env := pinnedEnv(t, append([]string{"REG_PW=s3cret", "REGCRED_CONFIG=" + cfg}, tt.env...)...)
			args := tt.args
			if args == nil {
				args = []string{"get"}
			}
			front := sameAnswer(t, in, env, tt.stdin, args...)
			if tt.stderr != "" {
				assert.Contains(t, front.Stderr, tt.stderr, "the front's stderr does not hold the engine's %q", tt.stderr)
			}
			in.checkHandedOff(t, in.alone(t, runOpts{Env: env, Stdin: tt.stdin}, args...))
		})
	}
}

// TestFrontWithoutEngine: a front installed without its engine says so
// where the engine would have put the command's error: on stdout for the
// Docker protocol, on stderr for the kubelet (also after --config) and for
// commands whose stdout is a document.
func TestFrontWithoutEngine(t *testing.T) {
	lone := loneFront(t)
	env := pinnedEnv(t, "AWS_ACCESS_KEY_ID=AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY=example")
	checkEngineMissing(t, runBinary(t, lone, runOpts{Env: env, Stdin: ecrHost}, "get"), lone, false)
	checkEngineMissing(t, runBinary(t, lone, runOpts{Env: env, Stdin: "quay.io"}, "get"), lone, false)
	kubelet := `{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderRequest","image":"` + ecrHost + `/team/app"}`
	checkEngineMissing(t, runBinary(t, lone, runOpts{Env: env, Stdin: kubelet}, "kubelet"), lone, true)
	checkEngineMissing(t, runBinary(t, lone, runOpts{Env: env, Stdin: kubelet}, "--config", "/etc/regcred/config.yaml", "kubelet"), lone, true)
	checkEngineMissing(t, runBinary(t, lone, runOpts{Env: env}, "check", "--output", "json"), lone, true)
}

// TestFrontHandOffPreservesStdin: a store (stdin the front never reads)
// and a get it reads and then hands off both reach the engine whole; a
// login stored since a not-found route sends the get back to the engine.
func TestFrontHandOffPreservesStdin(t *testing.T) {
	const registry = "login.example.com:5000"
	in := newInstall(t)
	env := pinnedEnv(t, "REG_PW=s3cret", "REGCRED_CONFIG="+writeConfig(t, frontStaticConfig))
	nf := sameAnswer(t, in, env, registry, "get")
	require.Equal(t, 1, nf.Exit, "get before the login: exit %d %q, %d routes; want not found and its route", nf.Exit, nf.Stdout, routeCount(t, env))
	require.Equal(t, frontNotFound, nf.Stdout, "get before the login: exit %d %q, %d routes; want not found and its route", nf.Exit, nf.Stdout, routeCount(t, env))
	require.Equal(t, 1, routeCount(t, env), "get before the login: exit %d %q, %d routes; want not found and its route", nf.Exit, nf.Stdout, routeCount(t, env))
	// Bigger than any get request: the front must not cut it to its limit.
	secret := strings.Repeat("0123456789abcdef", 640)
	store := runBinary(t, in.front, runOpts{Env: env,
		Stdin: `{"ServerURL":"` + registry + `","Username":"bob","Secret":"` + secret + `"}`}, "store")
	require.Equal(t, 0, store.Exit, "store through the front: exit %d, stdout %q, stderr %q", store.Exit, store.Stdout, store.Stderr)
	require.Equal(t, "", store.Stdout, "store through the front: exit %d, stdout %q, stderr %q", store.Exit, store.Stdout, store.Stderr)
	require.Equal(t, "", store.Stderr, "store through the front: exit %d, stdout %q, stderr %q", store.Exit, store.Stdout, store.Stderr)
	want := `{"ServerURL":"` + registry + `","Username":"bob","Secret":"` + secret + `"}` + "\n"
	got := sameAnswer(t, in, env, registry, "get")
	require.Equal(t, 0, got.Exit, "get of the stored login through the front: exit %d, stdout %.80q…, stderr %q", got.Exit, got.Stdout, got.Stderr)
	require.Equal(t, want, got.Stdout, "get of the stored login through the front: exit %d, stdout %.80q…, stderr %q", got.Exit, got.Stdout, got.Stderr)
	in.checkHandedOff(t, in.alone(t, runOpts{Env: env, Stdin: registry}, "get"))

	erase := runBinary(t, in.front, runOpts{Env: env, Stdin: registry}, "erase")
	require.Equal(t, 0, erase.Exit, "erase through the front: exit %d %q %q", erase.Exit, erase.Stdout, erase.Stderr)
	got = sameAnswer(t, in, env, registry, "get")
	assert.Equal(t, 1, got.Exit, "get after erase: exit %d %q, want not found", got.Exit, got.Stdout)
	assert.Equal(t, frontNotFound, got.Stdout, "get after erase: exit %d %q, want not found", got.Exit, got.Stdout)
}
