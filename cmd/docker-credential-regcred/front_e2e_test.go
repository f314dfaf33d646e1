package main

import (
	"encoding/base64"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// The front (docker-credential-regcred) answers a get alone only the way
// regcred-engine answered it last time (the route it recorded), and hands
// everything else to regcred-engine. These tests hold the contract: where
// the front answers, stdout and exit code are the engine's to the byte;
// where it cannot, the engine runs the request as if called directly.
// What the front answers while its engine cannot run, it answered alone.

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

// engineBinary is regcred-engine, built next to the front.
func engineBinary(t *testing.T) string {
	return filepath.Join(filepath.Dir(testBinary(t)), "regcred-engine")
}

// fetcherBinary is regcred-fetch, built next to the front.
func fetcherBinary(t *testing.T) string {
	return filepath.Join(filepath.Dir(testBinary(t)), "regcred-fetch")
}

// install is a copy of the front, the engine and the fetcher side by
// side, as installed, the test's own: it can make its engine unexecutable
// without touching the binaries other tests, some of them parallel, run.
type install struct{ front, engine, fetcher string }

func newInstall(t *testing.T) install {
	t.Helper()
	dir := t.TempDir()
	in := install{front: filepath.Join(dir, "docker-credential-regcred"), engine: filepath.Join(dir, "regcred-engine"),
		fetcher: filepath.Join(dir, "regcred-fetch")}
	testkit.CopyFile(t, testBinary(t), in.front, 0o755)
	testkit.CopyFile(t, engineBinary(t), in.engine, 0o755)
	testkit.CopyFile(t, fetcherBinary(t), in.fetcher, 0o755)
	return in
}

// alone runs the front with its engine and its fetcher unexecutable
// (mode 0, which no one, root included, may exec; their identity, and so
// the route key, stays the same), restoring them after.
func (in install) alone(t *testing.T, opts runOpts, args ...string) runResult {
	t.Helper()
	return in.without(t, []string{in.engine, in.fetcher}, opts, args...)
}

// withoutEngine runs the front with its engine unexecutable and its
// fetcher as installed: what the front and the fetcher answer alone.
func (in install) withoutEngine(t *testing.T, opts runOpts, args ...string) runResult {
	t.Helper()
	return in.without(t, []string{in.engine}, opts, args...)
}

// without runs the front with the executables exes unexecutable.
func (in install) without(t *testing.T, exes []string, opts runOpts, args ...string) runResult {
	t.Helper()
	for _, exe := range exes {
		require.NoError(t, os.Chmod(exe, 0))
		defer func() { require.NoError(t, os.Chmod(exe, 0o755)) }()
	}
	return runBinary(t, in.front, opts, args...)
}

// checkHandedOff: the front, its engine unexecutable, could not answer
// and says it tried to run the engine, where the protocol reads errors.
func (in install) checkHandedOff(t *testing.T, res runResult) {
	t.Helper()
	want := "running the engine " + in.engine + ": permission denied"
	assert.Equal(t, 1, res.Exit, "with regcred-engine unexecutable: exit %d, stdout %q, stderr %q; want exit 1 and %q: the front must hand this off", res.Exit, res.Stdout, res.Stderr, want)
	assert.Contains(t, res.Stdout, want, "with regcred-engine unexecutable: exit %d, stdout %q, stderr %q; want exit 1 and %q: the front must hand this off", res.Exit, res.Stdout, res.Stderr, want)
}

// loneFront is a copy of the front in a directory of its own, without the
// engine; the fetcher is beside it, as it cannot stand in for the engine.
func loneFront(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "docker-credential-regcred")
	testkit.CopyFile(t, testBinary(t), p, 0o755)
	testkit.CopyFile(t, fetcherBinary(t), filepath.Join(dir, "regcred-fetch"), 0o755)
	return p
}

// pinnedEnv is one environment (one home) for every run of a test, so the
// front and the engine see the same request.
func pinnedEnv(t *testing.T, extra ...string) []string {
	return append(cleanEnv(t), extra...)
}

// routeCount is how many routes the runs in env recorded.
func routeCount(t *testing.T, env []string) int {
	t.Helper()
	return len(routeFiles(t, env))
}

// routeFiles are the routes recorded under env's XDG_CACHE_HOME.
func routeFiles(t *testing.T, env []string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(envValue(t, env, "XDG_CACHE_HOME"), "regcred", "routes", "*.route"))
	require.NoError(t, err)
	return files
}

// sameAnswer runs one request through in's front and straight through its
// regcred-engine, fails unless stdout and exit code are identical, and
// returns the front's run.
func sameAnswer(t *testing.T, in install, env []string, stdin string, args ...string) runResult {
	t.Helper()
	front := runBinary(t, in.front, runOpts{Env: env, Stdin: stdin}, args...)
	back := runBinary(t, in.engine, runOpts{Env: env, Stdin: stdin}, args...)
	assert.Equal(t, back.Stdout, front.Stdout, "%v: the front answered exit %d %q\nregcred-engine answered exit %d %q\nfront stderr: %s", args, front.Exit, front.Stdout, back.Exit, back.Stdout, front.Stderr)
	assert.Equal(t, back.Exit, front.Exit, "%v: the front answered exit %d %q\nregcred-engine answered exit %d %q\nfront stderr: %s", args, front.Exit, front.Stdout, back.Exit, back.Stdout, front.Stderr)
	return front
}

// checkEngineMissing: the lone front could not answer and says why, on
// the stream the protocol reads errors from.
func checkEngineMissing(t *testing.T, res runResult, bin string, onStderr bool) {
	t.Helper()
	msg, other := res.Stdout, res.Stderr
	if onStderr {
		msg, other = other, msg
	}
	want := "the engine executable " + filepath.Join(filepath.Dir(bin), "regcred-engine") + " is missing"
	assert.Equal(t, 1, res.Exit, "without regcred-engine: exit %d, stdout %q, stderr %q; want exit 1 and %q on std%s", res.Exit, res.Stdout, res.Stderr, want, map[bool]string{true: "err", false: "out"}[onStderr])
	assert.Contains(t, msg, want, "without regcred-engine: exit %d, stdout %q, stderr %q; want exit 1 and %q on std%s", res.Exit, res.Stdout, res.Stderr, want, map[bool]string{true: "err", false: "out"}[onStderr])
	if onStderr {
		assert.Equal(t, "", other, "stdout holds %q; the kubelet reads only JSON there", other)
	}
}

// TestFrontAnswersNotFoundAlone: a registry nothing is configured for (or
// an anonymous one) is the engine's to answer the first time; it records
// the route, and the front answers the next get alone, with its bytes.
func TestFrontAnswersNotFoundAlone(t *testing.T) {
	tests := []struct{ name, config, stdin string }{
		{"unconfigured host", frontStaticConfig, "quay.io"},
		{"unconfigured host, image reference", frontStaticConfig, "quay.io/team/app:1.0"},
		{"unconfigured host, no config file", "", "quay.io"},
		{"anonymous entry", "registries:\n  - match: mcr.microsoft.com\n    anonymous: {}\n", "mcr.microsoft.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newInstall(t)
			env := pinnedEnv(t, "REG_PW=s3cret")
			if tt.config != "" {
				env = append(env, "REGCRED_CONFIG="+writeConfig(t, tt.config))
			}
			in.checkHandedOff(t, in.alone(t, runOpts{Env: env, Stdin: tt.stdin}, "get"))
			first := runBinary(t, in.front, runOpts{Env: env, Stdin: tt.stdin}, "get")
			require.Equal(t, 1, first.Exit, "first get %s = exit %d %q (stderr %q), want not found", tt.stdin, first.Exit, first.Stdout, first.Stderr)
			require.Equal(t, frontNotFound, first.Stdout, "first get %s = exit %d %q (stderr %q), want not found", tt.stdin, first.Exit, first.Stdout, first.Stderr)
			require.Equal(t, "", first.Stderr, "first get %s = exit %d %q (stderr %q), want not found", tt.stdin, first.Exit, first.Stdout, first.Stderr)
			n := routeCount(t, env)
			require.Equal(t, 1, n, "the engine recorded %d routes, want 1", n)
			sameAnswer(t, in, env, tt.stdin, "get")
			lone := in.alone(t, runOpts{Env: env, Stdin: tt.stdin}, "get")
			assert.Equal(t, 1, lone.Exit, "the front alone: exit %d %q (stderr %q), want the engine's not found", lone.Exit, lone.Stdout, lone.Stderr)
			assert.Equal(t, frontNotFound, lone.Stdout, "the front alone: exit %d %q (stderr %q), want the engine's not found", lone.Exit, lone.Stdout, lone.Stderr)
			assert.Equal(t, "", lone.Stderr, "the front alone: exit %d %q (stderr %q), want the engine's not found", lone.Exit, lone.Stdout, lone.Stderr)
		})
	}
}

// TestFrontAnswersStaticEntriesAlone: a static entry whose secret lives in
// a variable, a file or a docker config file is recorded as a route naming
// that place (never the secret), and the front answers it alone, reading
// the source afresh: a rewritten file is answered at once, a file made
// readable by others goes back to the engine, which warns.
func TestFrontAnswersStaticEntriesAlone(t *testing.T) {
	const secret = "s3cret-9c1e-FRONT"
	tests := []struct{ name, config, file, content, stdin string }{
		{name: "variable", config: "static: {username: alice, passwordEnv: REG_PW}", stdin: "reg.example.com"},
		{name: "variable, image reference", config: "static: {username: alice, passwordEnv: REG_PW}", stdin: "reg.example.com/team/app:1.0"},
		{name: "password file", config: "static: {username: alice, passwordFile: FILE}", file: "pw", content: secret + "\n", stdin: "reg.example.com"},
		{name: "docker config file", config: "static: {dockerConfig: FILE}", file: "config.json",
			content: `{"auths":{"reg.example.com":{"auth":"` + base64.StdEncoding.EncodeToString([]byte("alice:"+secret)) + `"}}}`, stdin: "reg.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newInstall(t)
			file := filepath.Join(t.TempDir(), tt.file)
			if tt.file != "" {
				require.NoError(t, os.WriteFile(file, []byte(tt.content), 0o600))
			}
			cfg := "registries:\n  - match: reg.example.com\n    " + strings.ReplaceAll(tt.config, "FILE", `"`+file+`"`) + "\n"
			env := pinnedEnv(t, "REG_PW="+secret, "REGCRED_CONFIG="+writeConfig(t, cfg))
			want := `{"ServerURL":"` + tt.stdin + `","Username":"alice","Secret":"` + secret + `"}` + "\n"
			in.checkHandedOff(t, in.alone(t, runOpts{Env: env, Stdin: tt.stdin}, "get"))
			res := sameAnswer(t, in, env, tt.stdin, "get")
			require.Equal(t, 0, res.Exit, "get %s: exit (stderr %q)", tt.stdin, res.Stderr)
			require.Equal(t, want, res.Stdout, "get %s", tt.stdin)
			require.Equal(t, 1, routeCount(t, env), "the static answer's routes")
			lone := in.alone(t, runOpts{Env: env, Stdin: tt.stdin}, "get")
			assert.Equal(t, 0, lone.Exit, "the front alone: exit (stderr %q)", lone.Stderr)
			assert.Equal(t, want, lone.Stdout, "the front alone")
			assert.Empty(t, lone.Stderr, "the front alone: stderr")
			checkNoSecretInDir(t, env, secret)
			if tt.file == "" {
				in.checkHandedOff(t, in.alone(t, runOpts{Env: withoutVar(env, "REG_PW"), Stdin: tt.stdin}, "get"))
				return
			}
			staticFileChanges(t, in, env, tt.stdin, file, tt.content, secret)
		})
	}
}

// staticFileChanges: a rewritten file is answered at once by the front
// alone; one made readable by others is handed off, and the engine warns
// (naming the file, never the secret).
func staticFileChanges(t *testing.T, in install, env []string, stdin, file, content, secret string) {
	t.Helper()
	const next = "n3xt-7d2f-FRONT"
	require.NoError(t, os.WriteFile(file, []byte(strings.ReplaceAll(content, secret, next)), 0o600))
	if strings.Contains(content, "auths") {
		require.NoError(t, os.WriteFile(file, []byte(`{"auths":{"reg.example.com":{"auth":"`+base64.StdEncoding.EncodeToString([]byte("alice:"+next))+`"}}}`), 0o600))
	}
	want := `{"ServerURL":"` + stdin + `","Username":"alice","Secret":"` + next + `"}` + "\n"
	lone := in.alone(t, runOpts{Env: env, Stdin: stdin}, "get")
	assert.Equal(t, 0, lone.Exit, "the front alone, file rewritten: exit (stderr %q)", lone.Stderr)
	assert.Equal(t, want, lone.Stdout, "the front alone, file rewritten")
	require.NoError(t, os.Chmod(file, 0o644))
	in.checkHandedOff(t, in.alone(t, runOpts{Env: env, Stdin: stdin}, "get"))
	res := runBinary(t, in.front, runOpts{Env: env, Stdin: stdin}, "get")
	assert.Equal(t, 0, res.Exit, "file readable by others: exit (stderr %q)", res.Stderr)
	assert.Equal(t, want, res.Stdout, "file readable by others: want the answer")
	assert.Contains(t, res.Stderr, "readable by other users", "file readable by others: want the engine's warning")
	assert.Contains(t, res.Stderr, file, "file readable by others: the warning names the file")
	testkit.AssertNoSecret(t, "the engine's warning", res.Stderr, secret, next)
	checkNoSecretInDir(t, env, next)
}

// checkNoSecretInDir: no file under the runs' cache directory holds
// secret (routes name where it lives, never the secret).
func checkNoSecretInDir(t *testing.T, env []string, secret string) {
	t.Helper()
	dir := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "XDG_CACHE_HOME="); ok {
			dir = v
		}
	}
	files := 0
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		files++
		testkit.AssertNoSecret(t, p, string(data), secret, base64.StdEncoding.EncodeToString([]byte(secret)))
		return nil
	}))
	assert.NotZero(t, files, "no file under %s: the scan proves nothing", dir)
}

// withoutVar is env without name.
func withoutVar(env []string, name string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// TestFrontWarmECRTokenAnswersAlone: after a cold get (handed to the
// engine, which asks ECR, fills the file cache and records the route),
// the warm get is the front's, with the engine's bytes, and ECR is not
// asked again; a variable a backend reads, changed, sends it back.
func TestFrontWarmECRTokenAnswersAlone(t *testing.T) {
	cloud, keys, setup, _ := frontECRSetup(t, "file")
	in := newInstall(t)
	env := pinnedEnv(t, setup...)
	cold := runBinary(t, in.front, runOpts{Env: env, Stdin: ecrHost}, "get")
	checkECRAnswer(t, cloud, cold, ecrHost, keys.ARN, "us-west-2", keys)
	n := routeCount(t, env)
	require.Equal(t, 1, n, "the cold get recorded %d routes, want 1", n)

	warm := sameAnswer(t, in, env, ecrHost, "get")
	assert.Equal(t, cold.Stdout, warm.Stdout, "warm get = exit %d %q, want the cold answer %q", warm.Exit, warm.Stdout, cold.Stdout)
	assert.Equal(t, 0, warm.Exit, "warm get = exit %d %q, want the cold answer %q", warm.Exit, warm.Stdout, cold.Stdout)
	lone := in.alone(t, runOpts{Env: env, Stdin: ecrHost}, "get")
	assert.Equal(t, cold.Stdout, lone.Stdout, "the front alone, warm: exit %d %q (stderr %q), want the cold answer", lone.Exit, lone.Stdout, lone.Stderr)
	assert.Equal(t, 0, lone.Exit, "the front alone, warm: exit %d %q (stderr %q), want the cold answer", lone.Exit, lone.Stdout, lone.Stderr)
	assert.Equal(t, "", lone.Stderr, "the front alone, warm: exit %d %q (stderr %q), want the cold answer", lone.Exit, lone.Stdout, lone.Stderr)
	n = cloud.Calls(ecrtest.ECR)
	assert.Equal(t, 1, n, "GetAuthorizationToken calls = %d, want 1 (the cold get's)", n)
	in.checkHandedOff(t, in.alone(t, runOpts{Env: append(env, "AWS_REGION=eu-west-1"), Stdin: ecrHost}, "get"))
	in.checkHandedOff(t, in.alone(t, runOpts{Env: env, Stdin: ecrHost + "/team/app"}, "get"))
}

// TestFrontFindsEngineThroughSymlink: a link to the front elsewhere (say
// /usr/local/bin) still finds the engine next to the real file, and the
// routes it recorded.
func TestFrontFindsEngineThroughSymlink(t *testing.T) {
	in := newInstall(t)
	link := filepath.Join(t.TempDir(), "docker-credential-regcred")
	require.NoError(t, os.Symlink(in.front, link))
	env := pinnedEnv(t)
	res := runBinary(t, link, runOpts{Env: env}, "version")
	back := runBinary(t, in.engine, runOpts{Env: env}, "version")
	assert.Equal(t, 0, res.Exit, "version through a symlink = exit %d %q (stderr %q), want the engine's %q", res.Exit, res.Stdout, res.Stderr, back.Stdout)
	assert.Equal(t, back.Stdout, res.Stdout, "version through a symlink = exit %d %q (stderr %q), want the engine's %q", res.Exit, res.Stdout, res.Stderr, back.Stdout)
	first := runBinary(t, link, runOpts{Env: env, Stdin: "quay.io"}, "get")
	require.Equal(t, 1, first.Exit, "get through a symlink = exit %d %q (stderr %q), want not found", first.Exit, first.Stdout, first.Stderr)
	require.Equal(t, frontNotFound, first.Stdout, "get through a symlink = exit %d %q (stderr %q), want not found", first.Exit, first.Stdout, first.Stderr)
	linked := install{front: link, engine: in.engine, fetcher: in.fetcher}
	lone := linked.alone(t, runOpts{Env: env, Stdin: "quay.io"}, "get")
	assert.Equal(t, 1, lone.Exit, "the front alone through a symlink: exit %d %q (stderr %q), want not found", lone.Exit, lone.Stdout, lone.Stderr)
	assert.Equal(t, frontNotFound, lone.Stdout, "the front alone through a symlink: exit %d %q (stderr %q), want not found", lone.Exit, lone.Stdout, lone.Stderr)
}
