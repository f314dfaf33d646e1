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

	if err := client.Store(prog, &credentials.Credentials{ServerURL: "https://index.docker.io/v1/", Username: "hubuser", Secret: secret}); err != nil {
		t.Fatalf("store must not fail docker login: %v", err)
	}
	require.NoError(t, client.Store(prog, &credentials.Credentials{ServerURL: "login.example.com:5000", Username: "alice", Secret: secret + "-2"}))
	for server, want := range map[string]credentials.Credentials{
		"https://index.docker.io/v1/": {Username: "hubuser", Secret: secret},
		"docker.io":                   {Username: "hubuser", Secret: secret},
		"login.example.com:5000":      {Username: "alice", Secret: secret + "-2"},
		"configured.example.com":      {Username: "robot", Secret: "configured-pw"},
	} {
		got, err := client.Get(prog, server)
		if err != nil || got.Username != want.Username || got.Secret != want.Secret {
			t.Errorf("get %s = %+v, %v", server, got, err)
		}
	}
	list, err := client.List(prog)
	if err != nil || list["https://index.docker.io/v1/"] != "hubuser" || list["login.example.com:5000"] != "alice" || list["configured.example.com"] != "robot" {
		t.Errorf("list = %v, %v", list, err)
	}
	files := loginFiles(t, home)
	if len(files) != 2 {
		t.Fatalf("login files %v, want two in the file fallback", files)
	}
	for _, f := range files {
		info, err := os.Stat(f)
		if err != nil || info.Mode().Perm() != 0o600 || !hexJSON.MatchString(filepath.Base(f)) {
			t.Errorf("%s: mode %v, name not a hash", f, info.Mode().Perm())
		}
		if strings.Contains(f, secret) || strings.Contains(f, "example.com") || strings.Contains(f, "docker.io") {
			t.Errorf("a file name holds the secret or the registry: %s", f)
		}
	}

	require.NoError(t, client.Erase(prog, "login.example.com:5000"))
	if _, err := client.Get(prog, "login.example.com:5000"); !credentials.IsErrCredentialsNotFound(err) {
		t.Errorf("after erase: %v", err)
	}
	if list, _ := client.List(prog); list["login.example.com:5000"] != "" || list["https://index.docker.io/v1/"] != "hubuser" {
		t.Errorf("list after erase = %v", list)
	}
	if err := client.Erase(prog, "never-stored.example.com"); err != nil {
		t.Errorf("erase of nothing (docker logout of a configured registry): %v", err)
	}
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
	if res.Exit != 1 || !strings.Contains(res.Stdout, "keeping the login for reg.example.com") {
		t.Errorf("store exit %d, stdout %q", res.Exit, res.Stdout)
	}
	if strings.Contains(res.Stdout+res.Stderr, "pw-unstorable-77") {
		t.Errorf("the secret reached the output")
	}
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
	if ctx.Err() != nil {
		t.Fatalf("docker %v hung", args)
	}
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
			env := append(cleanEnv(t),
				"PATH="+filepath.Dir(testBinary(t))+":"+os.Getenv("PATH"),
				"DOCKER_CONFIG="+dockerDir, "DOCKER_HOST=unix://"+filepath.Join(t.TempDir(), "no-daemon.sock"),
				brokenBus(t))
			if mode == "credHelpers" {
				res := runBinary(t, testBinary(t), runOpts{Env: env}, "configure-docker", "--host", reg.Addr)
				if res.Exit != 0 {
					t.Fatalf("configure-docker: %s %s", res.Stdout, res.Stderr)
				}
			} else {
				writeJSONFile(t, filepath.Join(dockerDir, "config.json"), map[string]any{"credsStore": "regcred"})
			}

			if out, err := dockerCLI(t, docker, env, "wrong-"+reg.Password, "login", reg.Addr, "-u", reg.Username, "--password-stdin"); err == nil {
				t.Fatalf("docker login with a wrong password succeeded:\n%s", out)
			}
			if got := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: reg.Addr}, "get"); got.Exit != 1 {
				t.Errorf("a failed login was stored: %s", got.Stdout)
			}

			out, err := dockerCLI(t, docker, env, reg.Password, "login", reg.Addr, "-u", reg.Username, "--password-stdin")
			if err != nil || !strings.Contains(out, "Login Succeeded") {
				t.Fatalf("docker login: %v\n%s", err, out)
			}
			if data, _ := os.ReadFile(filepath.Join(dockerDir, "config.json")); strings.Contains(string(data), `"auth"`) || strings.Contains(string(data), reg.Password) {
				t.Errorf("docker kept the credential in config.json itself:\n%s", data)
			}
			got := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: reg.Addr}, "get")
			var creds struct{ Username, Secret string }
			if got.Exit != 0 || json.Unmarshal([]byte(got.Stdout), &creds) != nil || creds.Username != reg.Username || creds.Secret != reg.Password {
				t.Fatalf("get after docker login: exit %d %s", got.Exit, got.Stderr)
			}
			pullWithDockerConfig(t, dockerDir, env, reg.Addr+"/team/app:1.0")

			if out, err := dockerCLI(t, docker, env, "", "logout", reg.Addr); err != nil {
				t.Fatalf("docker logout: %v\n%s", err, out)
			}
			if got := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: reg.Addr}, "get"); got.Exit != 1 || !strings.Contains(got.Stdout, "credentials not found") {
				t.Errorf("get after docker logout: exit %d %s", got.Exit, got.Stdout)
			}
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
	if _, err := remote.Image(ref, remote.WithAuthFromKeychain(authn.DefaultKeychain)); err != nil {
		t.Errorf("pulling %s with the stored login: %v", image, err)
	}
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
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	text := string(out)
	sections := map[string]string{}
	for _, part := range strings.Split(text, "--- ")[1:] {
		head, body, _ := strings.Cut(part, "\n")
		sections[head] = body
	}
	if !strings.Contains(sections["get"], `"Username":"kuser","Secret":"`+secret+`"`) {
		t.Errorf("get from the keyring:\n%s", text)
	}
	if strings.TrimSpace(sections["list"]) != `{"https://kr.example.com":"kuser"}` {
		t.Errorf("list should name the login as stored, from the keyring index:\n%s", text)
	}
	files := strings.Fields(sections["files"])
	if len(files) != 1 || !strings.Contains(files[0], "/regcred/logins/keyring-index/") {
		t.Errorf("the login dir should hold only the keyring index, got %v\n%s", files, text)
	}
	if _, err := exec.LookPath("secret-tool"); err == nil && strings.TrimSpace(sections["secret-tool"]) != "1" {
		t.Errorf("secret-tool does not find the login in the keyring:\n%s", text)
	}
	if !strings.Contains(sections["get again"], "credentials not found") {
		t.Errorf("after erase:\n%s", text)
	}
	if strings.Contains(sections["files"], secret) {
		t.Error("a file name holds the secret")
	}
}
