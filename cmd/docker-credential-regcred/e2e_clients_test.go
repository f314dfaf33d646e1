package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
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

// helperEnv is the environment the docker-credential-helpers client gives
// the helper: a clean home and the config.
func helperEnv(t *testing.T, config string, extra map[string]string) *map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, kv := range cleanEnv(t) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	env["REGCRED_CONFIG"] = config
	for k, v := range extra {
		env[k] = v
	}
	return &env
}

// TestDockerClientLibrary drives the binary with the library docker's CLI
// uses to run credential helpers.
func TestDockerClientLibrary(t *testing.T) {
	const secret = "client-lib-secret-42"
	cfg := writeConfig(t, `registries:
  - match: registry.example.com
    static: {username: alice, passwordEnv: PW}
  - match: broken.example.com
    static: {username: bob, passwordFile: /nonexistent/pw}
`)
	prog := client.NewShellProgramFuncWithEnv(testBinary(t), helperEnv(t, cfg, map[string]string{"PW": secret}))

	creds, err := client.Get(prog, "registry.example.com")
	require.NoError(t, err, "get")
	assert.Equal(t, &credentials.Credentials{ServerURL: "registry.example.com", Username: "alice", Secret: secret}, creds)
	_, err = client.Get(prog, "unknown.example.com")
	assert.True(t, credentials.IsErrCredentialsNotFound(err), "get unknown: err = %v, want the library's not-found error", err)
	_, err = client.Get(prog, "broken.example.com")
	if assert.Error(t, err, "get with a failing entry") {
		assert.False(t, credentials.IsErrCredentialsNotFound(err), "get with a failing entry: err = %v, want an error naming the missing file", err)
		assert.Contains(t, err.Error(), "/nonexistent/pw")
	}
	assert.NoError(t, client.Store(prog, &credentials.Credentials{ServerURL: "registry.example.com", Username: "alice", Secret: "x"}), "store must not make docker login fail")
	assert.NoError(t, client.Erase(prog, "registry.example.com"), "erase")
	list, err := client.List(prog)
	assert.NoError(t, err, "list")
	assert.Equal(t, "alice", list["registry.example.com"], "list = %v", list)
}

// TestSkopeoThroughRealRegistry pulls through a real registry with htpasswd
// auth, with skopeo (containers/image) asking regcred as a credHelper.
func TestSkopeoThroughRealRegistry(t *testing.T) {
	skopeo := registrytest.RequireTool(t, "skopeo", "skopeo")
	reg := registrytest.Start(t)
	reg.Push(t, "team/app:1.0")
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	require.NoError(t, os.WriteFile(pwFile, []byte(reg.Password+"\n"), 0o600))
	cfg := writeConfig(t, `registries:
  - match: `+reg.Addr+`/team
    static: {username: `+reg.Username+`, passwordFile: `+pwFile+`}
`)
	authFile := filepath.Join(dir, "auth.json")
	writeJSONFile(t, authFile, map[string]any{"credHelpers": map[string]string{reg.Addr: "regcred"}})
	emptyAuth := filepath.Join(dir, "empty.json")
	writeJSONFile(t, emptyAuth, map[string]any{})
	env := clientEnv(t, "REGCRED_CONFIG="+cfg)

	image := "docker://" + reg.Addr + "/team/app:1.0"
	out, err := runSkopeo(t, skopeo, env, "inspect", "--tls-verify=false", "--authfile", emptyAuth, image)
	require.Error(t, err, "without the helper skopeo should get 401; err %v, output:\n%s", err, out)
	require.Contains(t, strings.ToLower(out), "unauthorized", "without the helper skopeo should get 401; err %v, output:\n%s", err, out)
	out, err = runSkopeo(t, skopeo, env, "inspect", "--tls-verify=false", "--authfile", authFile, image)
	require.NoError(t, err, "skopeo with regcred as credHelper failed:\n%s", out)
	var inspected struct{ Digest string }
	if assert.NoError(t, json.Unmarshal([]byte(out), &inspected), "inspect output: %s", out) {
		assert.True(t, strings.HasPrefix(inspected.Digest, "sha256:"), "inspect output: %s", out)
	}
	assert.NotContains(t, out, reg.Password, "skopeo output holds the password")
}

// TestSkopeoRegistriesConfHelper uses containers/image's other door:
// registries.conf `credential-helpers`.
func TestSkopeoRegistriesConfHelper(t *testing.T) {
	skopeo := registrytest.RequireTool(t, "skopeo", "skopeo")
	reg := registrytest.Start(t)
	reg.Push(t, "lib/tool:2")
	dir := t.TempDir()
	cfg := writeConfig(t, "registries:\n"+staticEntries(reg.Username, reg.Addr))
	regConf := filepath.Join(dir, "registries.conf")
	require.NoError(t, os.WriteFile(regConf, []byte(`credential-helpers = ["regcred"]
[[registry]]
location = "`+reg.Addr+`"
insecure = true
`), 0o600))
	env := clientEnv(t,
		"REGCRED_CONFIG="+cfg, "REG_PW="+reg.Password,
		"CONTAINERS_REGISTRIES_CONF="+regConf)
	out, err := runSkopeo(t, skopeo, env, "--registries-conf", regConf, "inspect", "docker://"+reg.Addr+"/lib/tool:2")
	require.NoError(t, err, "skopeo via registries.conf credential-helpers failed:\n%s", out)
	noHelper := filepath.Join(dir, "no-helper.conf")
	require.NoError(t, os.WriteFile(noHelper, []byte("credential-helpers = [\"containers-auth.json\"]\n[[registry]]\nlocation = \""+reg.Addr+"\"\ninsecure = true\n"), 0o600))
	out, err = runSkopeo(t, skopeo, env, "--registries-conf", noHelper, "inspect", "docker://"+reg.Addr+"/lib/tool:2")
	require.Error(t, err, "control: without regcred in credential-helpers the pull should be refused, got:\n%s", out)
}

// TestGoContainerRegistryKeychain resolves through authn.DefaultKeychain,
// the path crane, ko and kaniko take, and reads the image with it.
func TestGoContainerRegistryKeychain(t *testing.T) {
	reg := registrytest.Start(t)
	reg.Push(t, "ggcr/img:v1")
	dockerDir := t.TempDir()
	writeJSONFile(t, filepath.Join(dockerDir, "config.json"), map[string]any{"credsStore": "regcred"})
	cfg := writeConfig(t, "registries:\n"+staticEntries(reg.Username, reg.Addr+"/ggcr"))
	t.Setenv("DOCKER_CONFIG", dockerDir)
	t.Setenv("PATH", pathWithHelper(t))
	t.Setenv("REGCRED_CONFIG", cfg)
	t.Setenv("REG_PW", reg.Password)
	t.Setenv("REGCRED_CACHE", "none")

	ref, err := name.ParseReference(reg.Addr+"/ggcr/img:v1", name.Insecure)
	require.NoError(t, err)
	auth, err := authn.DefaultKeychain.Resolve(ref.Context())
	require.NoError(t, err)
	ac, err := auth.Authorization()
	require.NoError(t, err, "the keychain's authorization")
	require.Equal(t, reg.Username, ac.Username, "the keychain's user")
	require.Equal(t, reg.Password, ac.Password, "the keychain's password for %s", ac.Username)
	_, err = remote.Image(ref, remote.WithAuthFromKeychain(authn.DefaultKeychain))
	require.NoError(t, err, "reading the image through the keychain")
	anon, err := name.ParseReference(reg.Addr+"/other/img:v1", name.Insecure)
	require.NoError(t, err)
	a, err := authn.DefaultKeychain.Resolve(anon.Context())
	require.NoError(t, err)
	_, err = remote.Image(anon, remote.WithAuth(a))
	assert.Error(t, err, "a repository outside the entry's path was readable: the helper answered for it")
}

func runSkopeo(t *testing.T, skopeo string, env []string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, skopeo, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	require.NotErrorIs(t, ctx.Err(), context.DeadlineExceeded, "skopeo %v hung", args)
	return string(out), err
}
