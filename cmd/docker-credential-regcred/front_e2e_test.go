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

// The front (docker-credential-regcred) answers a warm get alone and hands
// everything else to regcred-backend. These tests hold the contract: where
// the front answers, stdout and exit code are the backend's to the byte;
// where it cannot, the backend runs the request as if called directly.

const (
	frontNotFound     = "credentials not found in native keychain\n"
	frontStaticConfig = "registries:\n  - match: reg.example.com\n    static: {username: alice, passwordEnv: REG_PW}\n"
	frontAliceAnswer  = `{"ServerURL":"reg.example.com","Username":"alice","Secret":"s3cret"}` + "\n"
)

// frontECRSetup is a fake ECR and a config whose one entry uses it, with
// the given cache store in a dir of its own (returned). The built-in
// entries are off: none may fall back to the real AWS.
func frontECRSetup(t *testing.T, store string) (*ecrtest.Cloud, ecrtest.Keys, []string, string) {
	t.Helper()
	cloud := ecrtest.New(t)
	keys, env := awsUserEnv(cloud)
	dir := filepath.Join(t.TempDir(), "cache")
	cfg := writeConfig(t, `defaults: false
cache: {store: `+store+`, dir: "`+dir+`"}
registries:
  - match: "*.dkr.ecr.*.amazonaws.com"
    ecr: {endpoint: "`+cloud.ECRURL()+`"}
`)
	return cloud, keys, append(env, "REGCRED_CONFIG="+cfg, "REGCRED_CACHE="), dir
}

// backendBinary is regcred-backend, built next to the front.
func backendBinary(t *testing.T) string {
	return filepath.Join(filepath.Dir(testBinary(t)), "regcred-backend")
}

// loneFront is a copy of the front in a directory of its own, without the
// backend: what it answers, it answered alone.
func loneFront(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(testBinary(t))
	must(t, err)
	p := filepath.Join(t.TempDir(), "docker-credential-regcred")
	must(t, os.WriteFile(p, data, 0o755))
	return p
}

// pinnedEnv is one environment (one home) for every run of a test, so the
// front and the backend see the same request.
func pinnedEnv(t *testing.T, extra ...string) []string {
	return append(cleanEnv(t), extra...)
}

// sameAnswer runs one request through the front and straight through
// regcred-backend, fails unless stdout and exit code are identical, and
// returns the front's run.
func sameAnswer(t *testing.T, env []string, stdin string, args ...string) runResult {
	t.Helper()
	front := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: stdin}, args...)
	back := runBinary(t, backendBinary(t), runOpts{Env: env, Stdin: stdin}, args...)
	if front.Stdout != back.Stdout || front.Exit != back.Exit {
		t.Errorf("%v: the front answered exit %d %q\nregcred-backend answered exit %d %q\nfront stderr: %s",
			args, front.Exit, front.Stdout, back.Exit, back.Stdout, front.Stderr)
	}
	return front
}

// checkBackendMissing: the lone front could not answer and says why, on
// the stream the protocol reads errors from.
func checkBackendMissing(t *testing.T, res runResult, bin string, onStderr bool) {
	t.Helper()
	msg, other := res.Stdout, res.Stderr
	if onStderr {
		msg, other = other, msg
	}
	want := "the backend executable " + filepath.Join(filepath.Dir(bin), "regcred-backend") + " is missing"
	if res.Exit != 1 || !strings.Contains(msg, want) {
		t.Errorf("without regcred-backend: exit %d, stdout %q, stderr %q; want exit 1 and %q on std%s",
			res.Exit, res.Stdout, res.Stderr, want, map[bool]string{true: "err", false: "out"}[onStderr])
	}
	if onStderr && other != "" {
		t.Errorf("stdout holds %q; the kubelet reads only JSON there", other)
	}
}

// TestFrontAnswersAloneLikeTheBackend: requests the front answers itself
// are answered as the backend answers them, and without the backend.
func TestFrontAnswersAloneLikeTheBackend(t *testing.T) {
	tests := []struct {
		name, config, stdin string
		exit                int
		stdout              string
	}{
		{"static entry", frontStaticConfig, "reg.example.com", 0, frontAliceAnswer},
		{"static entry, image reference", frontStaticConfig, "reg.example.com/team/app:1.0", 0,
			`{"ServerURL":"reg.example.com/team/app:1.0","Username":"alice","Secret":"s3cret"}` + "\n"},
		{"unconfigured host", frontStaticConfig, "quay.io", 1, frontNotFound},
		{"unconfigured host, no config file", "", "quay.io", 1, frontNotFound},
		{"anonymous entry", "registries:\n  - match: mcr.microsoft.com\n    anonymous: {}\n", "mcr.microsoft.com", 1, frontNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := pinnedEnv(t, "REG_PW=s3cret")
			if tt.config != "" {
				env = append(env, "REGCRED_CONFIG="+writeConfig(t, tt.config))
			}
			res := sameAnswer(t, env, tt.stdin, "get")
			if res.Exit != tt.exit || res.Stdout != tt.stdout {
				t.Errorf("get %s = exit %d %q, want exit %d %q", tt.stdin, res.Exit, res.Stdout, tt.exit, tt.stdout)
			}
			lone := runBinary(t, loneFront(t), runOpts{Env: env, Stdin: tt.stdin}, "get")
			if lone.Exit != tt.exit || lone.Stdout != tt.stdout || lone.Stderr != "" {
				t.Errorf("the front alone: exit %d %q (stderr %q), want exit %d %q", lone.Exit, lone.Stdout, lone.Stderr, tt.exit, tt.stdout)
			}
		})
	}
}

// TestFrontWarmECRTokenAnswersAlone: after a cold get (the backend asks
// ECR and fills the file cache), the warm get is the front's, with the
// backend's bytes, and ECR is not asked again.
func TestFrontWarmECRTokenAnswersAlone(t *testing.T) {
	cloud, keys, setup, _ := frontECRSetup(t, "file")
	env := pinnedEnv(t, setup...)
	cold := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: ecrHost}, "get")
	checkECRAnswer(t, cloud, cold, ecrHost, keys.ARN, "us-west-2", keys)

	warm := sameAnswer(t, env, ecrHost, "get")
	if warm.Stdout != cold.Stdout || warm.Exit != 0 {
		t.Errorf("warm get = exit %d %q, want the cold answer %q", warm.Exit, warm.Stdout, cold.Stdout)
	}
	lone := runBinary(t, loneFront(t), runOpts{Env: env, Stdin: ecrHost}, "get")
	if lone.Stdout != cold.Stdout || lone.Exit != 0 {
		t.Errorf("the front alone, warm: exit %d %q (stderr %q), want the cold answer", lone.Exit, lone.Stdout, lone.Stderr)
	}
	if n := cloud.Calls(ecrtest.ECR); n != 1 {
		t.Errorf("GetAuthorizationToken calls = %d, want 1 (the cold get's)", n)
	}
}

// TestFrontHandsOffStaleTokens: a cached token due a refresh, or expired,
// is the backend's: through the front ECR is asked again, and (ECR
// refusing) the cached token is served stale or the request fails, exactly
// as regcred-backend does it.
func TestFrontHandsOffStaleTokens(t *testing.T) {
	tests := []struct {
		name            string
		stored, expires time.Duration // the record's times, relative to now
		exit            int
		stale           bool   // the cached token is the answer
		stdout          string // what the answer says, when it is an error
		stderr          string // what the backend logs, proving it ran
	}{
		{name: "due a refresh and ECR refuses: the cached token with a warning", stored: -7 * time.Hour, expires: 5 * time.Hour,
			stale: true, stderr: "refreshing the credential failed"},
		{name: "expired and ECR refuses: the error", stored: -13 * time.Hour, expires: -time.Hour,
			exit: 1, stdout: "AWS denied ECR GetAuthorizationToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cloud, keys, setup, dir := frontECRSetup(t, "file")
			env := pinnedEnv(t, setup...)
			// run fills the cache with a cold get, ages the record, makes
			// ECR refuse the next call and runs bin; it returns the run,
			// the token cached and the calls bin made to ECR.
			run := func(bin string) (runResult, string, int) {
				cold := runBinary(t, backendBinary(t), runOpts{Env: env, Stdin: ecrHost}, "get")
				checkECRAnswer(t, cloud, cold, ecrHost, keys.ARN, "us-west-2", keys)
				now := time.Now()
				rewriteRecord(t, onlyTokenFile(t, dir), now.Add(tt.stored), now.Add(tt.expires))
				cloud.FailNext(ecrtest.ECR, ecrtest.AccessDenied, 1)
				before := cloud.Calls(ecrtest.ECR)
				res := runBinary(t, bin, runOpts{Env: env, Stdin: ecrHost}, "get")
				return res, cold.Stdout, cloud.Calls(ecrtest.ECR) - before
			}
			front, frontCached, frontCalls := run(testBinary(t))
			back, backCached, backCalls := run(backendBinary(t))
			if front.Exit != tt.exit || back.Exit != tt.exit {
				t.Fatalf("exit: front %d, backend %d, want %d\nfront: %s %s\nbackend: %s", front.Exit, back.Exit, tt.exit, front.Stdout, front.Stderr, back.Stdout)
			}
			if frontCalls != 1 || backCalls != 1 {
				t.Errorf("ECR calls: through the front %d, the backend %d; want 1 each", frontCalls, backCalls)
			}
			if tt.stale && (front.Stdout != frontCached || back.Stdout != backCached) {
				t.Errorf("served front %q, backend %q; want each the cached token", front.Stdout, back.Stdout)
			}
			if !tt.stale && (front.Stdout != back.Stdout || !strings.Contains(front.Stdout, tt.stdout)) {
				t.Errorf("the front answered %q, the backend %q; want the same, saying %q", front.Stdout, back.Stdout, tt.stdout)
			}
			if tt.stderr != "" && !strings.Contains(front.Stderr, tt.stderr) {
				t.Errorf("the front's stderr does not hold the backend's %q:\n%s", tt.stderr, front.Stderr)
			}
			lone := loneFront(t)
			res, _, calls := run(lone)
			checkBackendMissing(t, res, lone, false)
			if calls != 0 {
				t.Errorf("the lone front asked ECR %d times", calls)
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
// store is the backend's even with the token in the file fallback.
func TestFrontHandsOffKeyringStore(t *testing.T) {
	if _, err := os.Stat(filepath.Join("/run/user", strconv.Itoa(os.Getuid()), "bus")); err == nil {
		t.Skip("this machine has a session bus in /run/user: the keyring would be real")
	}
	cloud, keys, setup, _ := frontECRSetup(t, "keyring")
	env := pinnedEnv(t, setup...)
	cold := runBinary(t, backendBinary(t), runOpts{Env: env, Stdin: ecrHost}, "get")
	checkECRAnswer(t, cloud, cold, ecrHost, keys.ARN, "us-west-2", keys)

	front := sameAnswer(t, env, ecrHost, "get")
	if front.Stdout != cold.Stdout {
		t.Errorf("warm get through the front = %q, want the cached %q", front.Stdout, cold.Stdout)
	}
	if !strings.Contains(front.Stderr, "no D-Bus session bus") {
		t.Errorf("the backend's warning is missing, so it did not run:\n%s", front.Stderr)
	}
	if n := cloud.Calls(ecrtest.ECR); n != 1 {
		t.Errorf("GetAuthorizationToken calls = %d, want 1: the backend serves the file fallback", n)
	}
	lone := loneFront(t)
	checkBackendMissing(t, runBinary(t, lone, runOpts{Env: env, Stdin: ecrHost}, "get"), lone, false)
}

// TestFrontHandsOffWhatTheBackendMustAnswer: requests whose answer is an
// error or a warning of the backend go to it whole, and the front answers
// nothing of them alone.
func TestFrontHandsOffWhatTheBackendMustAnswer(t *testing.T) {
	tests := []struct {
		name, config string
		perm         os.FileMode
		env          []string
		stdin        string
		args         []string
		stderr       string // what the backend logs, when it does
	}{
		{name: "empty stdin", config: frontStaticConfig},
		{name: "stdin over the limit", config: frontStaticConfig, stdin: strings.Repeat("r", 3<<10) + strings.Repeat("x", 3<<10)},
		{name: "version", config: frontStaticConfig, args: []string{"version"}},
		{name: "REGCRED_LOG=debug", config: frontStaticConfig, stdin: "reg.example.com", env: []string{"REGCRED_LOG=debug"}, stderr: "level=DEBUG"},
		{name: "REGCRED_CACHE invalid", config: frontStaticConfig, stdin: "reg.example.com", env: []string{"REGCRED_CACHE=bogus"}},
		{name: "REGCRED_CACHE invalid, unconfigured host", config: frontStaticConfig, stdin: "quay.io", env: []string{"REGCRED_CACHE=bogus"}},
		{name: "relative cache dir", config: "cache: {dir: rel/cache}\n" + frontStaticConfig, stdin: "reg.example.com", env: []string{"REGCRED_CACHE="}},
		{name: "config writable by group", config: frontStaticConfig, perm: 0o660, stdin: "reg.example.com", stderr: "writable by group or others"},
		{name: "broken config", config: "registries: [\n", stdin: "reg.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := writeConfig(t, tt.config)
			if tt.perm != 0 {
				must(t, os.Chmod(cfg, tt.perm))
			}
			env := pinnedEnv(t, append([]string{"REG_PW=s3cret", "REGCRED_CONFIG=" + cfg}, tt.env...)...)
			args := tt.args
			if args == nil {
				args = []string{"get"}
			}
			front := sameAnswer(t, env, tt.stdin, args...)
			if tt.stderr != "" && !strings.Contains(front.Stderr, tt.stderr) {
				t.Errorf("the front's stderr does not hold the backend's %q:\n%s", tt.stderr, front.Stderr)
			}
			lone := loneFront(t)
			checkBackendMissing(t, runBinary(t, lone, runOpts{Env: env, Stdin: tt.stdin}, args...), lone, false)
		})
	}
}

// TestFrontWithoutBackend: a front installed without its backend says so,
// on stdout for the Docker protocol and on stderr for the kubelet.
func TestFrontWithoutBackend(t *testing.T) {
	lone := loneFront(t)
	env := pinnedEnv(t, "AWS_ACCESS_KEY_ID=AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY=example")
	checkBackendMissing(t, runBinary(t, lone, runOpts{Env: env, Stdin: ecrHost}, "get"), lone, false)
	kubelet := `{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderRequest","image":"` + ecrHost + `/team/app"}`
	checkBackendMissing(t, runBinary(t, lone, runOpts{Env: env, Stdin: kubelet}, "kubelet"), lone, true)
}

// TestFrontFindsBackendThroughSymlink: a link to the front elsewhere (say
// /usr/local/bin) still finds the backend next to the real file.
func TestFrontFindsBackendThroughSymlink(t *testing.T) {
	link := filepath.Join(t.TempDir(), "docker-credential-regcred")
	must(t, os.Symlink(testBinary(t), link))
	env := pinnedEnv(t)
	res := runBinary(t, link, runOpts{Env: env}, "version")
	back := runBinary(t, backendBinary(t), runOpts{Env: env}, "version")
	if res.Exit != 0 || res.Stdout != back.Stdout {
		t.Errorf("version through a symlink = exit %d %q (stderr %q), want the backend's %q", res.Exit, res.Stdout, res.Stderr, back.Stdout)
	}
}

// TestFrontHandOffPreservesStdin: a store (stdin the front never reads)
// and a get it reads and then hands off both reach the backend whole.
func TestFrontHandOffPreservesStdin(t *testing.T) {
	const registry = "login.example.com:5000"
	env := pinnedEnv(t, "REG_PW=s3cret", "REGCRED_CONFIG="+writeConfig(t, frontStaticConfig))
	// Bigger than any get request: the front must not cut it to its limit.
	secret := strings.Repeat("0123456789abcdef", 640)
	store := runBinary(t, testBinary(t), runOpts{Env: env,
		Stdin: `{"ServerURL":"` + registry + `","Username":"bob","Secret":"` + secret + `"}`}, "store")
	if store.Exit != 0 || store.Stdout != "" || store.Stderr != "" {
		t.Fatalf("store through the front: exit %d, stdout %q, stderr %q", store.Exit, store.Stdout, store.Stderr)
	}
	want := `{"ServerURL":"` + registry + `","Username":"bob","Secret":"` + secret + `"}` + "\n"
	if got := sameAnswer(t, env, registry, "get"); got.Exit != 0 || got.Stdout != want {
		t.Fatalf("get of the stored login through the front: exit %d, stdout %.80q…, stderr %q", got.Exit, got.Stdout, got.Stderr)
	}
	lone := loneFront(t)
	checkBackendMissing(t, runBinary(t, lone, runOpts{Env: env, Stdin: registry}, "get"), lone, false)

	if erase := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: registry}, "erase"); erase.Exit != 0 {
		t.Fatalf("erase through the front: exit %d %q %q", erase.Exit, erase.Stdout, erase.Stderr)
	}
	if got := sameAnswer(t, env, registry, "get"); got.Exit != 1 || got.Stdout != frontNotFound {
		t.Errorf("get after erase: exit %d %q, want not found", got.Exit, got.Stdout)
	}
}
