package config

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
			if strings.Contains(err.Error(), "TOPSECRET2") {
				t.Errorf("error echoes a value from the file: %v", err)
			}
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
	if cfg.Cache.Store != "file" || cfg.Cache.TTL.Duration.Minutes() != 10 || *cfg.Defaults {
		t.Errorf("cache/defaults not decoded: %+v", cfg)
	}
	e := cfg.Registries[0]
	if e.Kind() != "static" || e.Source() != "cfg.yaml:5" || e.Pattern().String() != "reg.example.com/team" {
		t.Errorf("entry 0: kind %s source %s pattern %s", e.Kind(), e.Source(), e.Pattern())
	}
	if got := e.String(); got != "team registry (static, cfg.yaml:5)" {
		t.Errorf("entry name %q", got)
	}
	if got := cfg.Registries[1].String(); got != "*.example.com (anonymous, cfg.yaml:9)" {
		t.Errorf("entry name %q", got)
	}
}

func TestParseEmptyFile(t *testing.T) {
	for _, content := range []string{"", "# nothing\n", "registries: []\n"} {
		cfg, err := Parse("cfg.yaml", []byte(content))
		if err != nil || len(cfg.Registries) != 0 {
			t.Errorf("%q: %v, %d entries", content, err, len(cfg.Registries))
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, explicit := configpath.Candidates(tt.flag, tt.env)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") || explicit != tt.wantExplicit {
				t.Errorf("got %v %v, want %v %v", got, explicit, tt.want, tt.wantExplicit)
			}
		})
	}
}

func TestLoadFallsThroughMissingFiles(t *testing.T) {
	dir := t.TempDir()
	env := Env{HomeDir: dir, LookupEnv: func(string) (string, bool) { return "", false }}
	log := slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))
	cfg, err := Load("", env, log)
	if err != nil || cfg.Path != "" {
		t.Fatalf("no file anywhere: cfg %+v err %v, want the built-in default", cfg, err)
	}
	p := filepath.Join(dir, ".config", "regcred", "config.yaml")
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
	require.NoError(t, os.WriteFile(p, []byte("registries:\n  - match: a.io\n    anonymous: {}\n"), 0o600))
	cfg, err = Load("", env, log)
	if err != nil || cfg.Path != p || len(cfg.Registries) != 1 {
		t.Fatalf("home config: %+v, %v", cfg, err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml"), env, log); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("a missing --config file must be an error naming it, got %v", err)
	}
	if _, err := Load(dir, env, log); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("a directory as config must be an error, got %v", err)
	}
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
			if _, err := Load(p, Env{LookupEnv: func(string) (string, bool) { return "", false }}, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
				t.Fatal(err)
			}
			warned := strings.Contains(logs.String(), "readable by group or others")
			if warned != tt.wantWarn {
				t.Errorf("warned=%v, want %v: %s", warned, tt.wantWarn, logs.String())
			}
			if strings.Contains(logs.String(), secret) {
				t.Error("the warning printed the password")
			}
		})
	}
}

func TestParseConfigMergeKeyAndAlias(t *testing.T) {
	cfg, err := Parse("cfg.yaml", []byte("base: &b\n  - match: a.io\n    anonymous: {}\nregistries: *b\n"))
	if err == nil {
		t.Fatalf("unknown top-level key accepted: %+v", cfg)
	}
	cfg, err = Parse("cfg.yaml", []byte("<<: {registries: [{match: a.io, anonymous: {}}]}\n"))
	if err != nil || len(cfg.Registries) != 1 || cfg.Registries[0].Kind() != "anonymous" {
		t.Fatalf("merge key: %+v %v", cfg, err)
	}
}
