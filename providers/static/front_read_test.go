package static

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/static/staticread"
)

// engineOutcome is what the static backend made of a source.
type engineOutcome int

const (
	clean  engineOutcome = iota // a credential, nothing logged at warn
	warned                      // a credential, with a warning
	failed                      // an error
)

// TestFrontReadsAsTheEngine runs the front's read of a route's sources
// (staticread.Resolve, then Answer with the key it found) and the
// engine's (Provider.Credential) over the same inputs: the front answers
// exactly when the engine answers cleanly, with the same credential, and
// hands off (the engine must decide) on everything the engine warns or
// fails on. The rows where the engine answers cleanly and the front still
// hands off are the ones it cannot do alone (a YAML Secret, a helper).
func TestFrontReadsAsTheEngine(t *testing.T) {
	const reg = "reg.example.com"
	auth := func(user, pass string) string { return testkit.B64(user + ":" + pass) }
	dockerJSON := `{"auths":{"` + reg + `":{"auth":"` + auth("alice", secretPass) + `"}}}`
	tests := []struct {
		name  string
		cfg   Config
		files map[string]string // name → content, written 0600 under dir
		setup func(t *testing.T, dir string)
		env   map[string]string
		repo  string
		// engine is the backend's outcome; frontAnswers says the front
		// answers alone (only where the engine is clean).
		engine       engineOutcome
		frontAnswers bool
		user, secret string
	}{
		{name: "good file", cfg: Config{Username: "alice", PasswordFile: "pw"}, files: map[string]string{"pw": secretPass},
			engine: clean, frontAnswers: true, user: "alice", secret: secretPass},
		{name: "trailing newline", cfg: Config{Username: "alice", PasswordFile: "pw"}, files: map[string]string{"pw": secretPass + "\r\n"},
			engine: clean, frontAnswers: true, user: "alice", secret: secretPass},
		{name: "two trailing newlines keep one", cfg: Config{Username: "alice", PasswordFile: "pw"}, files: map[string]string{"pw": secretPass + "\n\n"},
			engine: clean, frontAnswers: true, user: "alice", secret: secretPass + "\n"},
		{name: "username file too", cfg: Config{UsernameFile: "user", PasswordFile: "pw"}, files: map[string]string{"user": "alice\n", "pw": secretPass},
			engine: clean, frontAnswers: true, user: "alice", secret: secretPass},
		{name: "file under ~/", cfg: Config{Username: "alice", PasswordFile: "~/pw"}, files: map[string]string{"pw": secretPass},
			engine: clean, frontAnswers: true, user: "alice", secret: secretPass},
		{name: "group-readable file", cfg: Config{Username: "alice", PasswordFile: "pw"}, files: map[string]string{"pw": secretPass},
			setup: chmod("pw", 0o640), engine: clean, frontAnswers: true, user: "alice", secret: secretPass},
		{name: "0644 file", cfg: Config{Username: "alice", PasswordFile: "pw"}, files: map[string]string{"pw": secretPass},
			setup: chmod("pw", 0o644), engine: warned, user: "alice", secret: secretPass},
		{name: "group-writable file", cfg: Config{Username: "alice", PasswordFile: "pw"}, files: map[string]string{"pw": secretPass},
			setup: chmod("pw", 0o620), engine: warned, user: "alice", secret: secretPass},
		{name: "symlink of the user's to a good file", cfg: Config{Username: "alice", PasswordFile: "link"}, files: map[string]string{"pw": secretPass},
			setup: symlink("pw", "link"), engine: clean, frontAnswers: true, user: "alice", secret: secretPass},
		{name: "symlink to a 0644 file", cfg: Config{Username: "alice", PasswordFile: "link"}, files: map[string]string{"pw": secretPass},
			setup: func(t *testing.T, dir string) { chmod("pw", 0o644)(t, dir); symlink("pw", "link")(t, dir) }, engine: warned, user: "alice", secret: secretPass},
		{name: "dangling symlink", cfg: Config{Username: "alice", PasswordFile: "link"}, setup: symlink("gone", "link"), engine: failed},
		{name: "huge file", cfg: Config{Username: "alice", PasswordFile: "pw"}, files: map[string]string{"pw": strings.Repeat("x", staticread.MaxFile+1)}, engine: failed},
		{name: "file of exactly the limit", cfg: Config{Username: "alice", PasswordFile: "pw"}, files: map[string]string{"pw": strings.Repeat("y", staticread.MaxFile)},
			engine: clean, frontAnswers: true, user: "alice", secret: strings.Repeat("y", staticread.MaxFile)},
		{name: "empty file", cfg: Config{Username: "alice", PasswordFile: "pw"}, files: map[string]string{"pw": ""}, engine: failed},
		{name: "a newline alone", cfg: Config{Username: "alice", PasswordFile: "pw"}, files: map[string]string{"pw": "\n"}, engine: failed},
		{name: "missing file", cfg: Config{Username: "alice", PasswordFile: "pw"}, engine: failed},
		{name: "a directory", cfg: Config{Username: "alice", PasswordFile: "pw"}, setup: mkdir("pw"), engine: failed},
		{name: "a FIFO", cfg: Config{Username: "alice", PasswordFile: "pw"}, setup: mkfifo("pw"), engine: failed},
		{name: "variable", cfg: Config{Username: "alice", PasswordEnv: "REG_PW"}, env: map[string]string{"REG_PW": secretPass},
			engine: clean, frontAnswers: true, user: "alice", secret: secretPass},
		{name: "variable with a newline kept", cfg: Config{UsernameEnv: "REG_USER", PasswordEnv: "REG_PW"}, env: map[string]string{"REG_USER": "alice", "REG_PW": secretPass + "\n"},
			engine: clean, frontAnswers: true, user: "alice", secret: secretPass + "\n"},
		{name: "missing variable", cfg: Config{Username: "alice", PasswordEnv: "REG_PW"}, engine: failed},
		{name: "empty variable", cfg: Config{Username: "alice", PasswordEnv: "REG_PW"}, env: map[string]string{"REG_PW": ""}, engine: failed},
		{name: "missing username variable", cfg: Config{UsernameEnv: "REG_USER", PasswordEnv: "REG_PW"}, env: map[string]string{"REG_PW": secretPass}, engine: failed},
		{name: "docker config with the key", cfg: Config{DockerConfig: "config.json"}, files: map[string]string{"config.json": dockerJSON},
			engine: clean, frontAnswers: true, user: "alice", secret: secretPass},
		{name: "docker config, a path-scoped key for the repository", cfg: Config{DockerConfig: "config.json"}, repo: "team/app",
			files:  map[string]string{"config.json": `{"auths":{"` + reg + `":{"auth":"` + auth("alice", secretPass) + `"},"` + reg + `/team":{"auth":"` + auth("bob", secretOther) + `"}}}`},
			engine: clean, frontAnswers: true, user: "bob", secret: secretOther},
		{name: "docker config with an identity token", cfg: Config{DockerConfig: "config.json"}, files: map[string]string{"config.json": `{"auths":{"https://` + reg + `":{"identitytoken":"` + secretToken + `"}}}`},
			engine: clean, frontAnswers: true, user: "<token>", secret: secretToken},
		{name: "docker config without the key", cfg: Config{DockerConfig: "config.json"}, files: map[string]string{"config.json": `{"auths":{"other.example.com":{"auth":"` + auth("alice", secretPass) + `"}}}`},
			engine: failed},
		{name: "docker config, the key empty", cfg: Config{DockerConfig: "config.json"}, files: map[string]string{"config.json": `{"auths":{"` + reg + `":{}}}`}, engine: failed},
		{name: "docker config, the key not base64", cfg: Config{DockerConfig: "config.json"}, files: map[string]string{"config.json": `{"auths":{"` + reg + `":{"auth":"!!"}}}`}, engine: failed},
		{name: "docker config, 0644", cfg: Config{DockerConfig: "config.json"}, files: map[string]string{"config.json": dockerJSON},
			setup: chmod("config.json", 0o644), engine: warned, user: "alice", secret: secretPass},
		{name: "docker config, not JSON", cfg: Config{DockerConfig: "config.json"}, files: map[string]string{"config.json": "{nope"}, engine: failed},
		{name: "docker config, a JSON Secret", cfg: Config{DockerConfig: "secret.json"},
			files:  map[string]string{"secret.json": `{"kind":"Secret","data":{".dockerconfigjson":"` + testkit.B64(dockerJSON) + `"}}`},
			engine: clean, frontAnswers: true, user: "alice", secret: secretPass},
		{name: "docker config, a YAML Secret: the front cannot", cfg: Config{DockerConfig: "secret.yaml"},
			files:  map[string]string{"secret.yaml": "kind: Secret\ndata:\n  .dockerconfigjson: " + testkit.B64(dockerJSON) + "\n"},
			engine: clean, user: "alice", secret: secretPass},
		{name: "docker config naming a helper not installed: the front cannot", cfg: Config{DockerConfig: "config.json"},
			files:  map[string]string{"config.json": `{"credsStore":"regcred-test-absent","auths":{"` + reg + `":{"auth":"` + auth("alice", secretPass) + `"}}}`},
			engine: clean, user: "alice", secret: secretPass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			env := map[string]string{"HOME": dir}
			for k, v := range tt.env {
				env[k] = v
			}
			cfg := tt.cfg
			cfg.ResolvePaths(dir)
			req := providers.Request{Registry: reg, Repository: tt.repo}

			cred, logs, err := run(t, cfg, env, req)
			assertNoSecret(t, "the engine's log", logs)
			got := clean
			switch {
			case err != nil:
				got = failed
				assertNoSecret(t, "the engine's error", err.Error())
			case strings.Contains(logs, "level=WARN"):
				got = warned
			}
			require.Equal(t, tt.engine, got, "the engine's outcome (error %v, log %s)", err, logs)
			if got != failed {
				assert.Equal(t, tt.user, cred.Username, "the engine's username")
				assert.True(t, cred.Secret.Reveal() == tt.secret, "the engine's secret")
			}

			spec, ok := cfg.Spec()
			require.True(t, ok, "a source outside the config has a route spec")
			target, err := staticread.Target(reg, tt.repo)
			require.NoError(t, err)
			fcred, key, fok := staticread.Resolve(context.Background(), spec, target, testkit.Env(env).Lookup)
			require.Equal(t, tt.frontAnswers, fok, "the front answers alone")
			if !fok {
				return
			}
			spec.DockerKey = key
			again, ok := staticread.Answer(context.Background(), spec, target, testkit.Env(env).Lookup)
			require.True(t, ok, "Answer with the key Resolve found")
			for _, c := range []providers.Credential{fcred, again} {
				assert.Equal(t, cred.Username, c.Username, "the front's username, against the engine's")
				assert.True(t, c.Secret == cred.Secret, "the front's secret differs from the engine's")
			}
		})
	}
}

// TestInlinePasswordHasNoSpec: an inline password stays with the engine.
func TestInlinePasswordHasNoSpec(t *testing.T) {
	_, ok := (&Config{Username: "alice", Password: secretPass}).Spec()
	assert.False(t, ok, "an inline password made a route spec")
	spec, ok := (&Config{Username: "alice", PasswordEnv: "REG_PW"}).Spec()
	require.True(t, ok)
	assert.Equal(t, staticread.Spec{Username: "alice", PasswordEnv: "REG_PW"}, spec)
}

// TestAnswerWantsTheRecordedKey: a docker config whose answering key is
// no longer the one the route recorded is the engine's to read.
func TestAnswerWantsTheRecordedKey(t *testing.T) {
	dir := writeFiles(t, map[string]string{"config.json": `{"auths":{"reg.example.com":{"auth":"` + testkit.B64("alice:"+secretPass) + `"}}}`})
	target, err := matcher.Normalize("reg.example.com")
	require.NoError(t, err)
	spec := staticread.Spec{DockerConfig: filepath.Join(dir, "config.json")}
	for _, tt := range []struct {
		key string
		ok  bool
	}{{"reg.example.com", true}, {"https://reg.example.com", false}, {"", false}} {
		spec.DockerKey = tt.key
		_, ok := staticread.Answer(context.Background(), spec, target, testkit.Env{}.Lookup)
		assert.Equal(t, tt.ok, ok, "Answer with the recorded key %q", tt.key)
	}
}

func chmod(name string, mode os.FileMode) func(*testing.T, string) {
	return func(t *testing.T, dir string) { require.NoError(t, os.Chmod(filepath.Join(dir, name), mode)) }
}

func symlink(target, name string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		require.NoError(t, os.Symlink(filepath.Join(dir, target), filepath.Join(dir, name)))
	}
}

func mkdir(name string) func(*testing.T, string) {
	return func(t *testing.T, dir string) { require.NoError(t, os.Mkdir(filepath.Join(dir, name), 0o700)) }
}

func mkfifo(name string) func(*testing.T, string) {
	return func(t *testing.T, dir string) { require.NoError(t, testkit.Mkfifo(filepath.Join(dir, name))) }
}

// TestForeignOwnershipIsWarned: a secret file another user owns, or a
// symlink another user owns (who chooses where it points), is used with a
// warning by the engine and handed off by the front; root's are trusted.
func TestForeignOwnershipIsWarned(t *testing.T) {
	testkit.NeedRoot(t)
	tests := []struct {
		name   string
		chown  string // the name given to ForeignUID
		warned bool
	}{
		{name: "the file", chown: "pw", warned: true},
		{name: "the symlink to it", chown: "link", warned: true},
		{name: "nothing (root's own)", warned: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"pw": secretPass})
			symlink("pw", "link")(t, dir)
			if tt.chown != "" {
				require.NoError(t, os.Lchown(filepath.Join(dir, tt.chown), testkit.ForeignUID, testkit.ForeignUID))
			}
			cfg := Config{Username: "alice", PasswordFile: filepath.Join(dir, "link")}
			cred, logs, err := run(t, cfg, nil, providers.Request{Registry: "reg.example.com"})
			require.NoError(t, err)
			assert.True(t, cred.Secret.Reveal() == secretPass, "the engine still answers")
			assert.Equal(t, tt.warned, strings.Contains(logs, "level=WARN"), "the engine warned: %s", logs)
			assertNoSecret(t, "the engine's log", logs)
			spec, _ := cfg.Spec()
			target, err := staticread.Target("reg.example.com", "")
			require.NoError(t, err)
			_, ok := staticread.Answer(context.Background(), spec, target, testkit.Env{}.Lookup)
			assert.Equal(t, !tt.warned, ok, "the front answers alone")
		})
	}
}
