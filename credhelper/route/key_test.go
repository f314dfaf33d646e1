package route

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/regcred/regcred/providers/acr"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/configpath"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ecr"
	"github.com/regcred/regcred/providers/gcr"
	"github.com/regcred/regcred/providers/oci/ociauth"
	"github.com/regcred/regcred/providers/ocir"
	"github.com/regcred/regcred/providers/ocivault"
	"github.com/regcred/regcred/providers/vault"
)

// keyFixture is a config file, an engine file and an environment.
type keyFixture struct {
	dir    string
	config string
	engine string
	env    []string
}

func newKeyFixture(t *testing.T) *keyFixture {
	t.Helper()
	dir := t.TempDir()
	kf := &keyFixture{dir: dir, config: filepath.Join(dir, "config.yaml"), engine: filepath.Join(dir, "regcred-engine")}
	require.NoError(t, os.WriteFile(kf.config, []byte("registries: []\n"), 0o600))
	require.NoError(t, os.WriteFile(kf.engine, []byte("v1"), 0o755))
	kf.env = []string{"HOME=" + dir, "REGCRED_CONFIG=" + kf.config, "AWS_PROFILE=dev", "PWD=/somewhere"}
	return kf
}

func (kf *keyFixture) key(t *testing.T, target string) string {
	t.Helper()
	tg, err := matcher.Normalize(target)
	require.NoError(t, err)
	lookup := func(k string) (string, bool) {
		for _, kv := range kf.env {
			if len(kv) > len(k) && kv[:len(k)] == k && kv[len(k)] == '=' {
				return kv[len(k)+1:], true
			}
		}
		return "", false
	}
	return Inputs{Target: tg, Environ: kf.env, Config: configpath.Env{LookupEnv: lookup, HomeDir: kf.dir}, Engine: kf.engine}.Key()
}

// TestKeyChangesWithEveryInput: each input the engine's answer depends on
// changes the key; what it does not depend on leaves it alone.
func TestKeyChangesWithEveryInput(t *testing.T) {
	tests := []struct {
		name    string
		change  func(t *testing.T, kf *keyFixture)
		target  string
		changes bool
	}{
		{name: "nothing", change: func(*testing.T, *keyFixture) {}, changes: false},
		{name: "an unrelated variable", change: func(_ *testing.T, kf *keyFixture) { kf.env = append(kf.env, "PWD=/elsewhere", "TERM=xterm") }, changes: false},
		{name: "the request's path", target: "reg.example.com/team/other", changes: true},
		{name: "the request's registry", target: "other.example.com/team/app", changes: true},
		{name: "an identity variable", change: func(_ *testing.T, kf *keyFixture) { kf.env[2] = "AWS_PROFILE=prod" }, changes: true},
		{name: "a new identity variable", change: func(_ *testing.T, kf *keyFixture) { kf.env = append(kf.env, "VAULT_TOKEN=t") }, changes: true},
		{name: "a regcred setting", change: func(_ *testing.T, kf *keyFixture) { kf.env = append(kf.env, "REGCRED_CACHE=file") }, changes: true},
		{name: "the config's content", change: func(t *testing.T, kf *keyFixture) {
			require.NoError(t, os.WriteFile(kf.config, []byte("registries: [] # edited\n"), 0o600))
		}, changes: true},
		{name: "the config's mode", change: func(t *testing.T, kf *keyFixture) { require.NoError(t, os.Chmod(kf.config, 0o660)) }, changes: true},
		{name: "the config's time", change: func(t *testing.T, kf *keyFixture) {
			require.NoError(t, os.Chtimes(kf.config, time.Now(), time.Now().Add(time.Hour)))
		}, changes: true},
		{name: "the config rewritten in place, its time set back", change: func(t *testing.T, kf *keyFixture) {
			if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
				t.Skip("only the change time tells, read on linux and darwin")
			}
			fi, err := os.Stat(kf.config)
			require.NoError(t, err)
			time.Sleep(10 * time.Millisecond) // past the file system's time granularity
			f, err := os.OpenFile(kf.config, os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.WriteAt([]byte("# "), 0)
			require.NoError(t, err)
			require.NoError(t, f.Close())
			require.NoError(t, os.Chtimes(kf.config, fi.ModTime(), fi.ModTime()))
		}, changes: true},
		{name: "the config removed", change: func(t *testing.T, kf *keyFixture) { require.NoError(t, os.Remove(kf.config)) }, changes: true},
		{name: "a new engine", change: func(t *testing.T, kf *keyFixture) {
			next := kf.engine + ".new"
			require.NoError(t, os.WriteFile(next, []byte("v2"), 0o755))
			require.NoError(t, os.Rename(next, kf.engine))
		}, changes: true},
		{name: "the engine's mode", change: func(t *testing.T, kf *keyFixture) { require.NoError(t, os.Chmod(kf.engine, 0o700)) }, changes: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kf := newKeyFixture(t)
			before := kf.key(t, "reg.example.com/team/app")
			if tt.change != nil {
				tt.change(t, kf)
			}
			target := tt.target
			if target == "" {
				target = "reg.example.com/team/app"
			}
			assert.Equal(t, tt.changes, kf.key(t, target) != before, "key changed")
		})
	}
}

// TestKeyHoldsNoValue: the key is a hash; no variable's value shows.
func TestKeyHoldsNoValue(t *testing.T) {
	kf := newKeyFixture(t)
	kf.env = append(kf.env, "VAULT_TOKEN=hvs.topsecret")
	k := kf.key(t, "reg.example.com")
	assert.Len(t, k, 64, "key %q", k)
	testkit.AssertNoSecret(t, "key", k, "topsecret", "hvs")
}

// TestEveryIdentityVariableIsInTheKey: every variable a backend names in
// EnvKeys (its cache key's ambient part) must change the route key, or the
// front would serve a token another identity's key no longer names.
func TestEveryIdentityVariableIsInTheKey(t *testing.T) {
	var keys []string
	for _, m := range []string{"", vault.MethodToken, vault.MethodAppRole, vault.MethodKubernetes,
		vault.MethodJWT, vault.MethodOIDC, vault.MethodAWS, vault.MethodCert} {
		keys = append(keys, vault.Config{Auth: vault.Auth{Method: m}}.EnvKeys()...)
	}
	for _, a := range []string{"", ociauth.AuthConfigFile, ociauth.AuthSessionToken, ociauth.AuthInstancePrincipal,
		ociauth.AuthResourcePrincipal, ociauth.AuthOKEWorkloadIdentity} {
		keys = append(keys, ocivault.Config{Auth: a}.EnvKeys()...)
		keys = append(keys, ocir.Config{Auth: a}.EnvKeys()...)
	}
	keys = append(keys, ecr.Config{}.EnvKeys()...)
	keys = append(keys, gcr.Config{}.EnvKeys()...)
	keys = append(keys, acr.Config{}.EnvKeys()...)
	listed := map[string]bool{"vault": true, "ocivault": true, "ocir": true, "ecr": true, "gcr": true, "acr": true}
	for _, k := range config.Kinds() {
		if a, ok := k.NewSettings().(providers.AmbientEnv); ok {
			keys = append(keys, a.EnvKeys()...)
			assert.True(t, listed[k.Name()], "kind %s reads identity variables: list its auth settings above", k.Name())
		}
	}
	require.GreaterOrEqual(t, len(keys), 10, "too few variables gathered; the test proves nothing")
	for _, k := range keys {
		assert.True(t, relevant(k), "%s is an identity variable but not part of a route key (envPrefixes)", k)
	}
}
