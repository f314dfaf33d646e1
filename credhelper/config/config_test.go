package config

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regcred/regcred/internal/testkit"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/configpath"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{name: "unknown top-level key", yaml: "registry: []\n", want: []string{`cfg.yaml:1: unknown key "registry" (expected one of: cache, defaults, registries, pullSecrets)`}},
		{name: "unknown entry key", yaml: "registries:\n  - match: a.io\n    statik: {}\n", want: []string{`cfg.yaml:3: unknown key "statik" (expected one of: match, name, verify, static, anonymous`}},
		{name: "unknown static key", yaml: "registries:\n  - match: a.io\n    static: {user: x}\n", want: []string{`cfg.yaml:3: unknown key "user" (expected one of: username,`}},
		{name: "every problem listed", yaml: "registries:\n  - match: a.io\n    bogus: 1\n  - match: b.io\n    verify: maybe\n", want: []string{"cfg.yaml:3: unknown key \"bogus\"", "cfg.yaml:5: cannot unmarshal !!str a value into bool"}},
		{name: "a misplaced secret is not echoed", yaml: "registries:\n  - match: a.io\n    static: TOPSECRET2\n", want: []string{"cfg.yaml:3: cannot unmarshal !!str a value into static.Config"}},
		{name: "syntax error", yaml: "registries: [\n", want: []string{"cfg.yaml:1: did not find expected node content"}},
		{name: "duplicate key", yaml: "registries:\n  - match: a.io\n    match: b.io\n    anonymous: {}\n", want: []string{`cfg.yaml:3: mapping key "match" already defined at line 2`}},
		{name: "missing match", yaml: "registries:\n  - anonymous: {}\n", want: []string{`cfg.yaml:2: registries[0]: "match" is required`}},
		{name: "bad pattern", yaml: "registries:\n  - match: \"reg.io/x:tag\"\n    anonymous: {}\n", want: []string{"cfg.yaml:2: registries[0]: match:"}},
		{name: "no backend", yaml: "registries:\n  - match: a.io\n", want: []string{"cfg.yaml:2: registries[0]: no backend: add exactly one of static, anonymous"}},
		{name: "two backends", yaml: "registries:\n  - match: a.io\n    anonymous: {}\n    static: {username: u, password: p}\n", want: []string{"more than one backend (static, anonymous)"}},
		{name: "backend settings invalid", yaml: "registries:\n  - match: a.io\n  - match: b.io\n    static: {username: u}\n", want: []string{"cfg.yaml:2: registries[0]: no backend", "cfg.yaml:3: registries[1]: static:"}},
		{name: "bad cache store", yaml: "cache: {store: redis}\n", want: []string{"cfg.yaml: cache: store is not one of auto, sealed, keyring, file, none"}},
		{name: "bad ttl", yaml: "cache: {ttl: 5 minutes}\n", want: []string{"cfg.yaml:1: not a duration such as"}},
		{name: "two documents", yaml: "registries: []\n---\nregistries: []\n", want: []string{"more than one YAML document"}},
		{name: "merge key does not panic", yaml: "<<: {registries: [{match: a.io, bogus: 1}]}\n", want: []string{`unknown key "bogus"`}},
		{name: "registries not a list", yaml: "registries: {match: a.io}\n", want: []string{"cfg.yaml:1: cannot unmarshal !!map into []config.Entry"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("cfg.yaml", []byte(tt.yaml))
			require.ErrorIs(t, err, ErrConfig)
			for _, w := range tt.want {
				assert.ErrorContains(t, err, w)
			}
			testkit.AssertNoSecret(t, "error", err.Error(), "TOPSECRET2")
		})
	}
}

func TestParseGood(t *testing.T) {
	cfg, err := Parse("cfg.yaml", []byte(`# every field a user may set
cache: {store: file, dir: /tmp/x, ttl: 10m}
defaults: false
registries:
  - match: "REG.example.com:443/team"
    name: team registry
    static: {username: u, passwordFile: /run/secrets/pw}

  - match: "*.example.com"
    anonymous: {}
`))
	require.NoError(t, err)
	assert.Equal(t, "file", cfg.Cache.Store, "cache.store")
	assert.Equal(t, 10*time.Minute, cfg.Cache.TTL.Duration, "cache.ttl")
	require.NotNil(t, cfg.Defaults, "defaults")
	assert.False(t, *cfg.Defaults, "defaults")
	require.Len(t, cfg.Registries, 2)
	e := cfg.Registries[0]
	assert.Equal(t, "static", e.Kind(), "entry 0's kind")
	assert.Equal(t, "cfg.yaml:5", e.Source(), "entry 0's source")
	assert.Equal(t, "reg.example.com/team", e.Pattern().String(), "entry 0's pattern")
	assert.Equal(t, "team registry (static, cfg.yaml:5)", e.String(), "entry 0's name")
	assert.Equal(t, "*.example.com (anonymous, cfg.yaml:9)", cfg.Registries[1].String(), "entry 1's name")
}

func TestParseEmptyFile(t *testing.T) {
	for _, content := range []string{"", "# nothing\n", "registries: []\n"} {
		cfg, err := Parse("cfg.yaml", []byte(content))
		if assert.NoError(t, err, "%q", content) {
			assert.Empty(t, cfg.Registries, "%q", content)
		}
	}
}

func TestConfigLookupOrder(t *testing.T) {
	env := func(kv ...string) Env {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return Env{HomeDir: "/home/u", LookupEnv: testkit.Env(m).Lookup}
	}
	tests := []struct {
		name, flag   string
		env          Env
		want         []string
		wantExplicit bool
	}{
		{name: "flag wins", flag: "/f.yaml", env: env("REGCRED_CONFIG", "/e.yaml"), want: []string{"/f.yaml"}, wantExplicit: true},
		{name: "env next", env: env("REGCRED_CONFIG", "/e.yaml", "XDG_CONFIG_HOME", "/x"), want: []string{"/e.yaml"}, wantExplicit: true},
		{name: "xdg then system", env: env("XDG_CONFIG_HOME", "/x"), want: []string{"/x/regcred/config.yaml", SystemConfigPath}},
		{name: "home then system", env: env(), want: []string{"/home/u/.config/regcred/config.yaml", SystemConfigPath}},
		{name: "empty env var ignored", env: env("REGCRED_CONFIG", ""), want: []string{"/home/u/.config/regcred/config.yaml", SystemConfigPath}},
		{name: "system path replaced", env: Env{HomeDir: "/home/u", LookupEnv: testkit.Env(nil).Lookup, SystemPath: "/t/etc.yaml"}, want: []string{"/home/u/.config/regcred/config.yaml", "/t/etc.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, explicit := configpath.Candidates(tt.flag, tt.env)
			assert.Equal(t, tt.want, got, "candidates")
			assert.Equal(t, tt.wantExplicit, explicit, "explicit")
		})
	}
}

func TestLoadFallsThroughMissingFiles(t *testing.T) {
	dir := t.TempDir()
	env := Env{HomeDir: dir, LookupEnv: func(string) (string, bool) { return "", false }, SystemPath: filepath.Join(dir, "etc", "config.yaml")}
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	cfg, err := Load("", env, log)
	require.NoError(t, err, "no file anywhere")
	require.Empty(t, cfg.Path, "no file anywhere: want the built-in default")
	testkit.WriteFile(t, env.SystemPath, "registries:\n  - match: sys.io\n    anonymous: {}\n")
	cfg, err = Load("", env, log)
	require.NoError(t, err, "system config")
	require.Equal(t, env.SystemPath, cfg.Path, "no home config: want the system one")
	p := filepath.Join(dir, ".config", "regcred", "config.yaml")
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
	require.NoError(t, os.WriteFile(p, []byte("registries:\n  - match: a.io\n    anonymous: {}\n"), 0o600))
	cfg, err = Load("", env, log)
	require.NoError(t, err, "home config")
	require.Equal(t, p, cfg.Path, "home config")
	require.Len(t, cfg.Registries, 1, "home config")
	_, err = Load(filepath.Join(dir, "missing.yaml"), env, log)
	assert.ErrorContains(t, err, "missing.yaml", "a missing --config file must be an error naming it")
	_, err = Load(dir, env, log)
	assert.ErrorContains(t, err, "is a directory", "a directory as config must be an error")
}

func TestInlinePasswordWarning(t *testing.T) {
	const secret = "inline-pw-123"
	static := "registries:\n  - match: a.io\n    static: {username: u, password: " + secret + "}\n"
	vault := "registries:\n  - match: a.io\n    vault: {address: \"https://vault:8200\", path: secret/x, auth: {method: approle, roleId: r, secretId: " + secret + "}}\n"
	for _, tt := range []struct {
		name, config string
		mode         os.FileMode
		wantWarn     bool
	}{
		{name: "private file", config: static, mode: 0o600},
		{name: "group readable", config: static, mode: 0o640, wantWarn: true},
		{name: "world readable", config: static, mode: 0o644, wantWarn: true},
		{name: "vault secret id, private", config: vault, mode: 0o600},
		{name: "vault secret id, world readable", config: vault, mode: 0o644, wantWarn: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "c.yaml")
			require.NoError(t, os.WriteFile(p, []byte(tt.config), tt.mode))
			require.NoError(t, os.Chmod(p, tt.mode))
			var logs bytes.Buffer
			_, err := Load(p, Env{LookupEnv: func(string) (string, bool) { return "", false }}, slog.New(slog.NewTextHandler(&logs, nil)))
			require.NoError(t, err)
			warned := strings.Contains(logs.String(), "readable by group or others")
			assert.Equal(t, tt.wantWarn, warned, "warned; logs:\n%s", logs.String())
			testkit.AssertNoSecret(t, "log", logs.String(), secret)
		})
	}
}

func TestParseConfigMergeKeyAndAlias(t *testing.T) {
	_, err := Parse("cfg.yaml", []byte("base: &b\n  - match: a.io\n    anonymous: {}\nregistries: *b\n"))
	require.Error(t, err, "unknown top-level key accepted")
	cfg, err := Parse("cfg.yaml", []byte("<<: {registries: [{match: a.io, anonymous: {}}]}\n"))
	require.NoError(t, err, "merge key")
	require.Len(t, cfg.Registries, 1, "merge key")
	assert.Equal(t, "anonymous", cfg.Registries[0].Kind(), "merge key")
}
