package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/docker/docker-credential-helpers/client"
	"github.com/docker/docker-credential-helpers/credentials"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/regcred/regcred/internal/registrytest"
)

// brokenBus is a session bus address where nothing listens: the keyring
// is tried and fails, so the login store falls back to its file.
func brokenBus(t *testing.T) string {
	return "DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(t.TempDir(), "no-bus")
}

var hexJSON = regexp.MustCompile(`^[0-9a-f]{64}\.json$`)

// loginFiles lists the files of the login store under home.
func loginFiles(t *testing.T, home string) []string {
	t.Helper()
	var out []string
	root := filepath.Join(home, ".local", "share", "regcred", "logins")
	_ = filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestDockerLoginThroughClientLibrary drives store, get, list and erase
// with the library docker's CLI uses, with a keyring that fails: the login
// goes to the private file store, under a name that is a hash.
func TestDockerLoginThroughClientLibrary(t *testing.T) {
	const secret = "login-secret-c0ffee"
	cfg := writeConfig(t, `registries:
  - match: configured.example.com
    static: {username: robot, passwordEnv: PW}
`)
	env := helperEnv(t, cfg, map[string]string{"PW": "configured-pw", "REGCRED_LOG": "error"})
	k, v, _ := strings.Cut(brokenBus(t), "=")
	(*env)[k] = v
	home := (*env)["HOME"]
	prog := client.NewShellProgramFuncWithEnv(testBinary(t), env)

	require.NoError(t, client.Store(prog, &credentials.Credentials{ServerURL: "https://index.docker.io/v1/", Username: "hubuser", Secret: secret}), "store must not fail docker login")
	require.NoError(t, client.Store(prog, &credentials.Credentials{ServerURL: "login.example.com:5000", Username: "alice", Secret: secret + "-2"}))
	for server, want := range map[string]credentials.Credentials{
		"https://index.docker.io/v1/": {Username: "hubuser", Secret: secret},
		"docker.io":                   {Username: "hubuser", Secret: secret},
		"login.example.com:5000":      {Username: "alice", Secret: secret + "-2"},
		"configured.example.com":      {Username: "robot", Secret: "configured-pw"},
	} {
		got, err := client.Get(prog, server)
		if assert.NoError(t, err, "get %s", server) {
			assert.Equal(t, want.Username, got.Username, "get %s", server)
			assert.Equal(t, want.Secret, got.Secret, "get %s", server)
		}
	}
	list, err := client.List(prog)
	assert.NoError(t, err, "list")
	assert.Equal(t, "hubuser", list["https://index.docker.io/v1/"], "list = %v", list)
	assert.Equal(t, "alice", list["login.example.com:5000"], "list = %v", list)
	assert.Equal(t, "robot", list["configured.example.com"], "list = %v", list)
	files := loginFiles(t, home)
	require.Len(t, files, 2, "login files %v, want two in the file fallback", files)
	for _, f := range files {
		info, err := os.Stat(f)
		if assert.NoError(t, err) {
			assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "%s: mode", f)
		}
		assert.Regexp(t, hexJSON, filepath.Base(f), "%s: name not a hash", f)
		assert.NotContains(t, f, secret, "a file name holds the secret or the registry")
		assert.NotContains(t, f, "example.com", "a file name holds the secret or the registry")
		assert.NotContains(t, f, "docker.io", "a file name holds the secret or the registry")
	}

	require.NoError(t, client.Erase(prog, "login.example.com:5000"))
	_, getErr := client.Get(prog, "login.example.com:5000")
	assert.True(t, credentials.IsErrCredentialsNotFound(getErr), "after erase: %v", getErr)
	list, _ = client.List(prog)
	assert.Empty(t, list["login.example.com:5000"], "list after erase = %v", list)
	assert.Equal(t, "hubuser", list["https://index.docker.io/v1/"], "list after erase = %v", list)
	assert.NoError(t, client.Erase(prog, "never-stored.example.com"), "erase of nothing (docker logout of a configured registry)")
}

// TestStoreFailsWhenTheLoginCannotBeKept: with nowhere to write (the data
// dir is a file) and no keyring, store fails, so docker says "Error saving
// credentials" instead of a login that is not kept, and says why.
func TestStoreFailsWhenTheLoginCannotBeKept(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".local"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(home, ".local", "share"), []byte("not a dir"), 0o600))
	res := runBinary(t, testBinary(t), runOpts{
		Env:   []string{"HOME=" + home, brokenBus(t)},
		Stdin: `{"ServerURL":"reg.example.com","Username":"u","Secret":"pw-unstorable-77"}`,
	}, "store")
	assert.Equal(t, 1, res.Exit, "store exit %d, stdout %q", res.Exit, res.Stdout)
	assert.Contains(t, res.Stdout, "keeping the login for reg.example.com", "store exit %d, stdout", res.Exit)
	assert.NotContains(t, res.Stdout+res.Stderr, "pw-unstorable-77", "the secret reached the output")
}

// dockerCLI runs the real docker client with no daemon: `docker login`
// then authenticates client-side against the registry (docker ≥ 23 does
// that when the daemon cannot be reached) and stores through the helper.
func dockerCLI(t *testing.T, docker string, env []string, stdin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, docker, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	require.NoError(t, ctx.Err(), "docker %v hung", args)
	return string(out), err
}

// TestDockerCLILoginLogout: the docker CLI, pointed at regcred by
// `configure-docker` (credHelpers) or as credsStore, logs in to a real
// registry; the login is kept by regcred (not in config.json), answers
// get, works for a pull, and `docker logout` removes it.
func TestDockerCLILoginLogout(t *testing.T) {
	docker := registrytest.RequireTool(t, "docker", "docker.io")
	reg := registrytest.Start(t)
	reg.Push(t, "team/app:1.0")
	for _, mode := range []string{"credHelpers", "credsStore"} {
		t.Run(mode, func(t *testing.T) {
			dockerDir := t.TempDir()
			env := clientEnv(t,
				"DOCKER_CONFIG="+dockerDir, "DOCKER_HOST=unix://"+filepath.Join(t.TempDir(), "no-daemon.sock"),
				brokenBus(t))
			if mode == "credHelpers" {
				res := runBinary(t, testBinary(t), runOpts{Env: env}, "configure-docker", "--host", reg.Addr)
				require.Equal(t, 0, res.Exit, "configure-docker: %s %s", res.Stdout, res.Stderr)
			} else {
				writeJSONFile(t, filepath.Join(dockerDir, "config.json"), map[string]any{"credsStore": "regcred"})
			}

			out, err := dockerCLI(t, docker, env, "wrong-"+reg.Password, "login", reg.Addr, "-u", reg.Username, "--password-stdin")
			require.Error(t, err, "docker login with a wrong password succeeded:\n%s", out)
			got := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: reg.Addr}, "get")
			assert.Equal(t, 1, got.Exit, "a failed login was stored: %s", got.Stdout)

			out, err = dockerCLI(t, docker, env, reg.Password, "login", reg.Addr, "-u", reg.Username, "--password-stdin")
			require.NoError(t, err, "docker login:\n%s", out)
			require.Contains(t, out, "Login Succeeded", "docker login")
			data, _ := os.ReadFile(filepath.Join(dockerDir, "config.json"))
			assert.NotContains(t, string(data), `"auth"`, "docker kept the credential in config.json itself")
			assert.NotContains(t, string(data), reg.Password, "docker kept the credential in config.json itself")
			got = runBinary(t, testBinary(t), runOpts{Env: env, Stdin: reg.Addr}, "get")
			var creds struct{ Username, Secret string }
			require.Equal(t, 0, got.Exit, "get after docker login: exit %d %s", got.Exit, got.Stderr)
			require.NoError(t, json.Unmarshal([]byte(got.Stdout), &creds), "get after docker login: exit %d %s", got.Exit, got.Stderr)
			require.Equal(t, reg.Username, creds.Username, "get after docker login: exit %d %s", got.Exit, got.Stderr)
			require.Equal(t, reg.Password, creds.Secret, "get after docker login: exit %d %s", got.Exit, got.Stderr)
			pullWithDockerConfig(t, dockerDir, env, reg.Addr+"/team/app:1.0")

			out, err = dockerCLI(t, docker, env, "", "logout", reg.Addr)
			require.NoError(t, err, "docker logout: %s", out)
			got = runBinary(t, testBinary(t), runOpts{Env: env, Stdin: reg.Addr}, "get")
			assert.Equal(t, 1, got.Exit, "get after docker logout: %s", got.Stdout)
			assert.Contains(t, got.Stdout, "credentials not found", "get after docker logout")
		})
	}
}

// pullWithDockerConfig reads the image through go-containerregistry's
// default keychain (crane's path), which runs the helper docker's config
// names.
func pullWithDockerConfig(t *testing.T, dockerDir string, env []string, image string) {
	t.Helper()
	t.Setenv("DOCKER_CONFIG", dockerDir)
	for _, kv := range env {
		if k, v, _ := strings.Cut(kv, "="); k == "PATH" || k == "HOME" || k == "DBUS_SESSION_BUS_ADDRESS" || k == "REGCRED_CACHE" {
			t.Setenv(k, v)
		}
	}
	ref, err := name.ParseReference(image, name.Insecure)
	require.NoError(t, err)
	_, err = remote.Image(ref, remote.WithAuthFromKeychain(authn.DefaultKeychain))
	assert.NoError(t, err, "pulling %s with the stored login", image)
}

// TestLoginInSecretService stores a login in a real Secret Service
// (gnome-keyring on a private session bus): the secret lives in the
// keyring, and the login directory holds only the secret-free index.
func TestLoginInSecretService(t *testing.T) {
	registrytest.RequireTool(t, "dbus-run-session", "dbus")
	registrytest.RequireTool(t, "gnome-keyring-daemon", "gnome-keyring")
	script, err := filepath.Abs(filepath.Join("..", "..", "credhelper", "cache", "testdata", "with-secret-service.sh"))
	require.NoError(t, err)
	home := t.TempDir()
	const secret = "keyring-login-secret-5e"
	steps := `set -eu
b="$1"
printf '%s' '{"ServerURL":"https://kr.example.com","Username":"kuser","Secret":"` + secret + `"}' | "$b" store
echo "--- get"; echo kr.example.com | "$b" get
echo "--- list"; echo unused | "$b" list
echo "--- files"; find "${XDG_DATA_HOME:-$HOME/.local/share}/regcred/logins" -type f
echo "--- secret-tool"; secret-tool search --all service regcred-login 2>/dev/null | grep -c '^secret = .*` + secret + `' || true
echo "--- erase"; echo kr.example.com | "$b" erase
echo "--- get again"; echo kr.example.com | "$b" get || echo "exit $?"
`
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, script, "bash", "-c", steps, "steps", testBinary(t))
	cmd.Env = append(cleanEnv(t), "HOME="+home)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	text := string(out)
	sections := map[string]string{}
	for _, part := range strings.Split(text, "--- ")[1:] {
		head, body, _ := strings.Cut(part, "\n")
		sections[head] = body
	}
	assert.Contains(t, sections["get"], `"Username":"kuser","Secret":"`+secret+`"`, "get from the keyring:\n%s", text)
	assert.Equal(t, `{"https://kr.example.com":"kuser"}`, strings.TrimSpace(sections["list"]), "list should name the login as stored, from the keyring index:\n%s", text)
	files := strings.Fields(sections["files"])
	if assert.Len(t, files, 1, "the login dir should hold only the keyring index:\n%s", text) {
		assert.Contains(t, files[0], "/regcred/logins/keyring-index/", "the login dir should hold only the keyring index:\n%s", text)
	}
	if _, err := exec.LookPath("secret-tool"); err == nil {
		assert.Equal(t, "1", strings.TrimSpace(sections["secret-tool"]), "secret-tool does not find the login in the keyring:\n%s", text)
	}
	assert.Contains(t, sections["get again"], "credentials not found", "after erase:\n%s", text)
	assert.NotContains(t, sections["files"], secret, "a file name holds the secret")
}
