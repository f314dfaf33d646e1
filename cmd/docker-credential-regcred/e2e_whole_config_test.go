package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/docker/cli/cli/config"
	"github.com/docker/cli/cli/config/configfile"
	"github.com/docker/cli/cli/config/types"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/regcred/regcred/internal/registrytest"
)

// dockerHubServer is the key docker stores and looks up Docker Hub under.
const dockerHubServer = "https://index.docker.io/v1/"

// brokenOtherEntry is an entry for a registry no test pulls from, whose
// password file does not exist: its own get fails, and nothing else may.
const brokenOtherEntry = `  - match: other.example.com
    static: {username: bob, passwordFile: /nonexistent/other-pw}
`

// dockerConfigFile points the docker CLI's own config package at regcred
// as credsStore, in this process's environment (the CLI runs helpers with
// it): the built executables on PATH, a fresh home, the given config.
func dockerConfigFile(t *testing.T, regcredConfig string, env ...string) *configfile.ConfigFile {
	t.Helper()
	dockerDir := t.TempDir()
	writeJSONFile(t, filepath.Join(dockerDir, "config.json"), map[string]any{"credsStore": "regcred"})
	for _, kv := range cleanEnv(t) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("PATH", pathWithHelper(t))
	t.Setenv("DOCKER_CONFIG", dockerDir)
	t.Setenv("REGCRED_CONFIG", regcredConfig)
	// No keyring: logins go to the private file store, quietly.
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	t.Setenv("REGCRED_LOG", "error")
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	cf, err := config.Load(dockerDir)
	require.NoError(t, err)
	require.Equal(t, "regcred", cf.CredentialsStore, "credsStore = %q", cf.CredentialsStore)
	return cf
}

// pullWith reads image with the credential docker would send.
func pullWith(t *testing.T, image string, ac types.AuthConfig) {
	t.Helper()
	ref, err := name.ParseReference(image, name.Insecure)
	require.NoError(t, err)
	auth := authn.FromConfig(authn.AuthConfig{Username: ac.Username, Password: ac.Password})
	_, err = remote.Image(ref, remote.WithAuth(auth), remote.WithContext(t.Context()))
	assert.NoError(t, err, "pulling %s with the credential docker collected", image)
}

// TestDockerGetAllCredentials runs docker's own GetAllCredentials (what
// `docker run --use-api-socket` calls, failing the run on its error) with
// regcred as credsStore and one broken entry for an unrelated registry:
// it succeeds, and the credential it collects pulls from the registry.
// The broken entry still explains itself to a get for its own registry.
func TestDockerGetAllCredentials(t *testing.T) {
	reg := registrytest.Start(t)
	reg.Push(t, "team/app:v1")
	cf := dockerConfigFile(t, writeConfig(t, "registries:\n"+staticEntries(reg.Username, reg.Addr)+brokenOtherEntry), "REG_PW="+reg.Password)

	creds, err := cf.GetAllCredentials()
	require.NoError(t, err, "GetAllCredentials (docker run --use-api-socket would fail)")
	ac, ok := creds[reg.Addr]
	require.True(t, ok, "GetAllCredentials has no credential for %s: %v", reg.Addr, keys(creds))
	require.Equal(t, reg.Username, ac.Username, "GetAllCredentials has no credential for %s: %v", reg.Addr, keys(creds))
	require.Equal(t, reg.Password, ac.Password, "GetAllCredentials has no credential for %s: %v", reg.Addr, keys(creds))
	pullWith(t, reg.Addr+"/team/app:v1", ac)

	_, err = cf.GetAuthConfig("other.example.com")
	assert.ErrorContains(t, err, "/nonexistent/other-pw", "a direct get for the broken entry's registry should name the missing file")
}

// TestDockerGetAllCredentialsHelperHosts: a backend host named under
// credHelpers (configure-docker --host) is asked by GetAllCredentials
// whether or not list names it, and its failure is only a warning there.
func TestDockerGetAllCredentialsHelperHosts(t *testing.T) {
	cf := dockerConfigFile(t, writeConfig(t, "registries:\n"+brokenOtherEntry))
	cf.CredentialHelpers = map[string]string{"other.example.com": "regcred"}
	creds, err := cf.GetAllCredentials()
	assert.NoError(t, err, "GetAllCredentials with a failing credHelpers host")
	assert.Empty(t, creds, "GetAllCredentials with a failing credHelpers host = %v, want nothing", keys(creds))
}

// TestDockerLegacyBuildCredentials: the legacy builder (DOCKER_BUILDKIT=0
// docker build, cli/command/image/build.go) calls GetAllCredentials,
// ignores its error and sends what it got as the build's X-Registry-Config;
// one broken unrelated entry must not leave that empty.
func TestDockerLegacyBuildCredentials(t *testing.T) {
	reg := registrytest.Start(t)
	reg.Push(t, "base/image:v1")
	cf := dockerConfigFile(t, writeConfig(t, "registries:\n"+staticEntries(reg.Username, reg.Addr+"/base")+brokenOtherEntry), "REG_PW="+reg.Password)

	creds, _ := cf.GetAllCredentials() // as the legacy builder does
	ac, ok := creds[reg.Addr]
	require.True(t, ok, "the legacy build would send no credential for %s: it got %v", reg.Addr, keys(creds))
	require.Equal(t, reg.Username, ac.Username, "the legacy build would send no credential for %s: it got %v", reg.Addr, keys(creds))
	require.Equal(t, reg.Password, ac.Password, "the legacy build would send no credential for %s: it got %v", reg.Addr, keys(creds))
	pullWith(t, reg.Addr+"/base/image:v1", ac)
}

// TestDockerHubLoginRoundTrip: `docker login` stores Docker Hub under
// https://index.docker.io/v1/ (through the CLI's own store); list answers
// that key, and GetAllCredentials, which keys its map by what list says,
// has the login there, where docker's daemon looks Docker Hub up.
func TestDockerHubLoginRoundTrip(t *testing.T) {
	const secret = "hub-login-secret-31"
	cf := dockerConfigFile(t, writeConfig(t, "registries: []\n"))
	store := cf.GetCredentialsStore(dockerHubServer)
	require.NoError(t, store.Store(types.AuthConfig{ServerAddress: dockerHubServer, Username: "hubuser", Password: secret}), "docker login's store")
	got, err := cf.GetAuthConfig(dockerHubServer)
	require.NoError(t, err, "docker pull's get")
	require.Equal(t, "hubuser", got.Username, "docker pull's get")
	require.Equal(t, secret, got.Password, "docker pull's get for %s", got.Username)
	list := runBinary(t, testBinary(t), runOpts{Env: os.Environ(), Stdin: "unused"}, "list")
	assert.Equal(t, 0, list.Exit, "list = %q (exit %d), want the login under the key it was stored with", list.Stdout, list.Exit)
	assert.Equal(t, `{"`+dockerHubServer+`":"hubuser"}`, strings.TrimSpace(list.Stdout), "list = %q (exit %d), want the login under the key it was stored with", list.Stdout, list.Exit)
	creds, err := cf.GetAllCredentials()
	require.NoError(t, err)
	ac := creds[dockerHubServer]
	assert.Equal(t, "hubuser", ac.Username, "GetAllCredentials has no Docker Hub login under %s: %v", dockerHubServer, keys(creds))
	assert.Equal(t, secret, ac.Password, "GetAllCredentials has no Docker Hub login under %s: %v", dockerHubServer, keys(creds))
	require.NoError(t, store.Erase(dockerHubServer), "docker logout")
	creds, err = cf.GetAllCredentials()
	if assert.NoError(t, err, "after docker logout") {
		assert.Empty(t, creds, "after docker logout: %v", keys(creds))
	}
}

func keys(m map[string]types.AuthConfig) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
