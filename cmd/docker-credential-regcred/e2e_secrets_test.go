package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDebugLogsNeverHoldSecrets runs every command at debug level, on success
// and failure paths, and scans everything printed for the secrets in play.
// Only get's own answer may carry the secret it was asked for.
func TestDebugLogsNeverHoldSecrets(t *testing.T) {
	secrets := map[string]string{
		"env":    "env-secret-7f3a",
		"file":   "file-secret-91bc",
		"inline": "inline-secret-04de",
		"docker": "dockercfg-secret-55aa",
		"store":  "store-secret-c0ff",
	}
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	require.NoError(t, os.WriteFile(pwFile, []byte(secrets["file"]+"\n"), 0o600))
	dockerCfg := filepath.Join(dir, "config.json")
	auth := base64.StdEncoding.EncodeToString([]byte("dockuser:" + secrets["docker"]))
	require.NoError(t, os.WriteFile(dockerCfg, []byte(`{"auths":{"https://dock.example.com":{"auth":"`+auth+`"}}}`), 0o600))
	cfg := writeConfig(t, `registries:
  - match: env.example.com
    static: {username: u1, passwordEnv: PW}
  - match: file.example.com
    static: {username: u2, passwordFile: `+pwFile+`}
  - match: inline.example.com
    static: {username: u3, password: `+secrets["inline"]+`}
  - match: dock.example.com
    static: {dockerConfig: `+dockerCfg+`}
  - match: fail.example.com/team
    static: {username: u4, passwordEnv: UNSET_VAR}
  - match: fail.example.com
    static: {username: u5, passwordFile: `+filepath.Join(dir, "missing")+`}
`)
	env := []string{"REGCRED_LOG=debug", "REGCRED_CONFIG=" + cfg, "PW=" + secrets["env"]}
	bin := testBinary(t)
	runs := []struct {
		name, stdin, allowed string
		args                 []string
		wantExit             int
	}{
		{name: "get env", args: []string{"get"}, stdin: "env.example.com", allowed: secrets["env"]},
		{name: "get file", args: []string{"get"}, stdin: "https://file.example.com/v2/", allowed: secrets["file"]},
		{name: "get inline", args: []string{"get"}, stdin: "inline.example.com/a/b:c", allowed: secrets["inline"]},
		{name: "get dockerconfig", args: []string{"get"}, stdin: "dock.example.com", allowed: secrets["docker"]},
		{name: "get all failing", args: []string{"get"}, stdin: "fail.example.com/team/app", wantExit: 1},
		{name: "get no match", args: []string{"get"}, stdin: "nomatch.example.com", wantExit: 1},
		{name: "store", args: []string{"store"}, stdin: `{"ServerURL":"env.example.com","Username":"u","Secret":"` + secrets["store"] + `"}`},
		{name: "store bad JSON", args: []string{"store"}, stdin: `{"ServerURL":"x","Secret":"` + secrets["store"], wantExit: 1},
		{name: "erase", args: []string{"erase"}, stdin: "env.example.com"},
		{name: "list", args: []string{"list"}, stdin: "unused"},
		{name: "version", args: []string{"version"}},
	}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			res := runBinary(t, bin, runOpts{Env: env, Stdin: r.stdin}, r.args...)
			require.Equal(t, r.wantExit, res.Exit, "exit %d, want %d; stdout %q stderr %q", res.Exit, r.wantExit, res.Stdout, res.Stderr)
			if r.name != "version" {
				assert.Contains(t, res.Stderr, "level=DEBUG", "no debug logs on stderr")
			}
			if r.allowed != "" {
				assert.Contains(t, res.Stdout, r.allowed, "get did not answer its secret")
			}
			for kind, s := range secrets {
				assert.NotContains(t, res.Stderr, s, "stderr holds the %s secret", kind)
				if s != r.allowed {
					assert.NotContains(t, res.Stdout, s, "stdout holds the %s secret", kind)
				}
			}
		})
	}
}

// TestDebugLogExplainsTheWalk checks that debug logs say which entries
// matched, which were tried and why each was skipped.
func TestDebugLogExplainsTheWalk(t *testing.T) {
	cfg := writeConfig(t, `registries:
  - match: reg.example.com/team
    name: team secret
    static: {username: u, passwordEnv: MISSING_TEAM_PW}
  - match: reg.example.com
    static: {username: u, passwordEnv: HOST_PW}
`)
	res := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_LOG=debug", "REGCRED_CONFIG=" + cfg, "HOST_PW=pw-host-1"}, Stdin: "reg.example.com/team/app:1"}, "get")
	require.Equal(t, 0, res.Exit, "exit %d: %s %s", res.Exit, res.Stdout, res.Stderr)
	for _, want := range []string{"entries match", "team secret (static,", "trying entry", "entry skipped", "MISSING_TEAM_PW", "credential found", "reg.example.com (static,"} {
		assert.Contains(t, res.Stderr, want, "debug log lacks %q", want)
	}
}
