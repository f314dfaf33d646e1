package credhelper

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// helperScript writes a credential helper that records each call in a
// file and answers answer for get (a not-found message when empty).
func helperScript(t *testing.T, answer string) (exe, calls string) {
	t.Helper()
	dir := t.TempDir()
	exe, calls = filepath.Join(dir, "docker-credential-old"), filepath.Join(dir, "calls")
	body := "#!/bin/sh\nread -r s\necho \"$1 $s\" >>" + calls + "\n"
	if answer == "" {
		body += "echo 'credentials not found in native keychain'; exit 1\n"
	} else {
		body += "echo '" + answer + "'\n"
	}
	require.NoError(t, os.WriteFile(exe, []byte(body), 0o755))
	return exe, calls
}

// TestHelperKind: get asks the helper with the server as docker names it
// and uses its answer; its not-found falls through to the next entry;
// list never runs it.
func TestHelperKind(t *testing.T) {
	tests := []struct {
		name, answer, server string
		fallback             bool
		wantUser, wantAsked  string
	}{
		{name: "answer used", answer: `{"Username":"old-user","Secret":"old-secret-41"}`, server: "reg.example.com",
			wantUser: "old-user", wantAsked: "get reg.example.com"},
		{name: "docker hub as docker names it", answer: `{"Username":"hub","Secret":"old-secret-41"}`, server: "docker.io",
			wantUser: "hub", wantAsked: "get https://index.docker.io/v1/"},
		{name: "not found falls through", server: "reg.example.com", fallback: true,
			wantUser: "robot", wantAsked: "get reg.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exe, calls := helperScript(t, tt.answer)
			cfg := "registries:\n  - match: " + tt.server + "\n    helper: {path: " + exe + "}\n"
			if tt.fallback {
				cfg += "  - match: " + tt.server + "\n    static: {username: robot, passwordEnv: PW}\n"
			}
			ta := newTestApp(t, cfg, withEnv(map[string]string{"PW": "pw-helper-41"}, "HOME", t.TempDir()))
			out, code := ta.runString(t, "unused", "list")
			assert.Equal(t, 0, code, "list = %d %q, want {}", code, out)
			assert.Equal(t, "{}", strings.TrimSpace(out), "list = %d %q, want {}", code, out)
			_, err := os.Stat(calls)
			require.Error(t, err, "list ran the helper")
			out, code = ta.runString(t, tt.server, "get")
			var got struct{ Username, Secret string }
			require.Equal(t, 0, code, "get exit %d: %q", code, out)
			require.NoError(t, json.Unmarshal([]byte(out), &got), "get exit %d: %q", code, out)
			assert.Equal(t, tt.wantUser, got.Username, "username = %q, want %q", got.Username, tt.wantUser)
			asked, _ := os.ReadFile(calls)
			assert.Equal(t, tt.wantAsked, strings.TrimSpace(string(asked)), "helper calls = %q, want %q", asked, tt.wantAsked)
		})
	}
}

// TestDockerConfigCredsStore: a dockerConfig source whose file names a
// credsStore asks that helper on get, never on list.
func TestDockerConfigCredsStore(t *testing.T) {
	exe, calls := helperScript(t, `{"Username":"stored","Secret":"old-secret-42"}`)
	t.Setenv("PATH", filepath.Dir(exe)+string(os.PathListSeparator)+os.Getenv("PATH"))
	dockerCfg := filepath.Join(t.TempDir(), "config.json")
	require.NoError(t, os.WriteFile(dockerCfg, []byte(`{"auths":{"reg.example.com":{}},"credsStore":"old"}`), 0o600))
	cfg := "registries:\n  - match: reg.example.com\n    static: {dockerConfig: " + dockerCfg + "}\n" +
		"  - match: reg.example.com\n    static: {username: robot, passwordEnv: PW}\n"
	ta := newTestApp(t, cfg, withEnv(map[string]string{"PW": "pw-helper-42"}, "HOME", t.TempDir()))
	out, code := ta.runString(t, "unused", "list")
	assert.Equal(t, 0, code, "list = %d %q, want {}", code, out)
	assert.Equal(t, "{}", strings.TrimSpace(out), "list = %d %q, want {}", code, out)
	_, err := os.Stat(calls)
	require.Error(t, err, "list ran the helper")
	out, code = ta.runString(t, "reg.example.com", "get")
	var got struct{ Username string }
	require.Equal(t, 0, code, "get exit %d: %q, want the helper's login", code, out)
	require.NoError(t, json.Unmarshal([]byte(out), &got), "get exit %d: %q, want the helper's login", code, out)
	require.Equal(t, "stored", got.Username, "get exit %d: %q, want the helper's login", code, out)
}
