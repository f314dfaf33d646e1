package credhelper

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/docker/docker-credential-helpers/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refHelper is a docker-credential-helpers Helper that answers one fixed
// credential, so the reference implementation's bytes can be compared with
// ours for the same answer.
type refHelper struct {
	server, user, secret string
}

func (h refHelper) Add(*credentials.Credentials) error { return nil }
func (h refHelper) Delete(string) error                { return nil }
func (h refHelper) List() (map[string]string, error)   { return map[string]string{h.server: h.user}, nil }
func (h refHelper) Get(string) (string, string, error) {
	if h.user == "" {
		return "", "", credentials.NewErrCredentialsNotFound()
	}
	return h.user, h.secret, nil
}

// reference runs the reference protocol implementation the way its Serve
// does: the answer on stdout, or the error and a newline.
func reference(h credentials.Helper, action, stdin string) string {
	var out bytes.Buffer
	if err := credentials.HandleCommand(h, action, strings.NewReader(stdin), &out); err != nil {
		fmt.Fprintln(&out, err)
	}
	return out.String()
}

const staticConfig = `registries:
  - match: registry.example.com
    static: {username: "<token>", passwordEnv: TEST_PW}
  - match: docker.io
    static: {username: hubuser, passwordEnv: TEST_PW}
  - match: public.example.com
    anonymous: {}
`

func TestDockerProtocolMatchesReference(t *testing.T) {
	const pw = "s3cr3t&<pw>\"quoted\""
	tests := []struct {
		name, verb, stdin string
		ref               refHelper
		wantExit          int
	}{
		{name: "get found, HTML-escaped fields", verb: "get", stdin: "registry.example.com\n", ref: refHelper{user: "<token>", secret: pw}},
		{name: "get docker hub as docker sends it", verb: "get", stdin: "https://index.docker.io/v1/", ref: refHelper{user: "hubuser", secret: pw}},
		{name: "get docker hub as podman sends it", verb: "get", stdin: "docker.io", ref: refHelper{user: "hubuser", secret: pw}},
		{name: "get with surrounding whitespace", verb: "get", stdin: "  registry.example.com:443 \n", ref: refHelper{user: "<token>", secret: pw}},
		{name: "get not found", verb: "get", stdin: "other.example.com", ref: refHelper{}, wantExit: 1},
		{name: "get anonymous is not found", verb: "get", stdin: "public.example.com", ref: refHelper{}, wantExit: 1},
		{name: "get empty stdin", verb: "get", stdin: "", ref: refHelper{}, wantExit: 1},
		{name: "get blank stdin", verb: "get", stdin: " \n\t", ref: refHelper{}, wantExit: 1},
		{name: "erase empty stdin", verb: "erase", stdin: "", ref: refHelper{}, wantExit: 1},
		{name: "store missing server", verb: "store", stdin: `{"Username":"u","Secret":"s"}`, ref: refHelper{}, wantExit: 1},
		{name: "store missing username", verb: "store", stdin: `{"ServerURL":"r.example.com","Secret":"s"}`, ref: refHelper{}, wantExit: 1},
		{name: "store accepted", verb: "store", stdin: `{"ServerURL":"r.example.com","Username":"u","Secret":"s"}`, ref: refHelper{}},
		{name: "erase accepted", verb: "erase", stdin: "r.example.com\n", ref: refHelper{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestApp(t, "cache: {store: file}\n"+staticConfig, map[string]string{"TEST_PW": pw, "HOME": t.TempDir()})
			got, code := ta.runString(t, tt.stdin, tt.verb)
			want := reference(tt.ref, tt.verb, tt.stdin)
			assert.Equal(t, want, got, "stdout differs from the reference implementation\n got: %q\nwant: %q", got, want)
			assert.Equal(t, tt.wantExit, code, "exit %d, want %d (stdout %q)", code, tt.wantExit, got)
		})
	}
}

func TestDockerListIsJSONObject(t *testing.T) {
	ta := newTestApp(t, staticConfig+`  - match: "*.glob.example.com"
    anonymous: {}
  - match: "registry.example.com:5000/team"
    static: {username: teamuser, password: inline}
`, map[string]string{"TEST_PW": "pw"})
	out, code := ta.runString(t, "unused", "list")
	require.Equal(t, 0, code, "list exit %d: %s", code, out)
	var got map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &got), "list answered %q, not a JSON object", out)
	// Docker Hub under docker's own key; the anonymous and the globbed
	// entries answer no credential, so they are not listed.
	want := map[string]string{"registry.example.com": "<token>", "https://index.docker.io/v1/": "hubuser", "registry.example.com:5000": "teamuser"}
	assert.Len(t, got, len(want), "list = %v, want %v", got, want)
	for k, v := range want {
		assert.Equal(t, v, got[k], "list[%q] = %q, want %q", k, got[k], v)
	}
	assert.NotContains(t, out, "inline", "list leaked a password")
}

func TestDockerVersionAndHelp(t *testing.T) {
	ta := newTestApp(t, "registries: [broken", nil)
	for _, args := range [][]string{{"version"}, {"--version"}, {"-v"}} {
		out, code := ta.runString(t, "", args...)
		assert.Equal(t, 0, code, "%v: exit %d, %q", args, code, out)
		assert.True(t, strings.HasPrefix(out, "docker-credential-regcred (github.com/regcred/regcred) v-test\ncommit:   unknown\n"), "%v: exit %d, %q", args, code, out)
	}
	for _, args := range [][]string{{"--help"}, {"-h"}} {
		out, code := ta.runString(t, "", args...)
		assert.Equal(t, 0, code, "%v: exit %d, %q", args, code, out)
		assert.True(t, strings.HasPrefix(out, usageLine), "%v: exit %d, %q", args, code, out)
		assert.Contains(t, out, "REGCRED_LOG", "%v: exit %d,", args, code)
	}
}

func TestDockerBadInput(t *testing.T) {
	huge := strings.Repeat("a", 1<<20)
	tests := []struct {
		name, config, stdin string
		args                []string
		wantOut             string
	}{
		{name: "no verb", args: nil, wantOut: "usage: Usage:"},
		{name: "unknown verb", args: []string{"fetch"}, wantOut: "docker-credential-regcred: unknown action: fetch"},
		{name: "extra argument", args: []string{"get", "x"}, wantOut: "get takes no arguments"},
		{name: "config flag without value", args: []string{"--config"}, wantOut: "--config needs a file path"},
		{name: "1 MiB line to get", args: []string{"get"}, stdin: huge, wantOut: "stdin is longer than 4096 bytes"},
		{name: "1 MiB line to erase", args: []string{"erase"}, stdin: huge, wantOut: "stdin is longer than 4096 bytes"},
		{name: "1 MiB store", args: []string{"store"}, stdin: huge, wantOut: "stdin is longer than 65536 bytes"},
		{name: "binary garbage to get", args: []string{"get"}, stdin: "\x00\x01\xff\xfe", wantOut: "invalid registry request"},
		{name: "control character in get", args: []string{"get"}, stdin: "reg.example.com\x1b[31m", wantOut: "invalid registry request"},
		{name: "ftp scheme", args: []string{"get"}, stdin: "ftp://reg.example.com", wantOut: "invalid registry request"},
		{name: "store invalid JSON", args: []string{"store"}, stdin: `{"ServerURL": "x", "Secret": "hunter2`, wantOut: "store: stdin is not the JSON object"},
		{name: "store wrong type", args: []string{"store"}, stdin: `{"ServerURL": 5}`, wantOut: "field ServerURL should be a string"},
		{name: "store binary garbage", args: []string{"store"}, stdin: "\x00\xff", wantOut: "store: stdin is not the JSON object"},
		{name: "broken config", config: "registries:\n  - match: a.example.com\n    statik: {}\n", args: []string{"get"}, stdin: "a.example.com", wantOut: `config.yaml:3: unknown key "statik"`},
		{name: "config missing file", args: []string{"--config", "/nonexistent/regcred.yaml", "get"}, stdin: "a.example.com", wantOut: "/nonexistent/regcred.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestApp(t, tt.config, nil)
			out, code := ta.runString(t, tt.stdin, tt.args...)
			assert.Equal(t, 1, code, "exit %d, want 1", code)
			assert.Contains(t, out, tt.wantOut, "stdout %q does not contain %q", out, tt.wantOut)
			assert.False(t, strings.HasPrefix(out, "{"), "stdout holds JSON on an error path: %q", out)
			assert.NotContains(t, out, "hunter2", "error echoes the input back (%d bytes): %.200q", len(out), out)
			assert.LessOrEqual(t, len(out), 2048, "error echoes the input back (%d bytes): %.200q", len(out), out)
		})
	}
}

// failingWriter fails every write, as a closed stdout pipe does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestDockerGetWriteErrorIsReported(t *testing.T) {
	ta := newTestApp(t, staticConfig, map[string]string{"TEST_PW": "pw"})
	ta.app.Stdout = failingWriter{}
	ta.app.Stdin = strings.NewReader("registry.example.com")
	code := ta.app.Run(t.Context(), []string{"get"})
	assert.Equal(t, 1, code, "exit %d after a failed write, want 1", code)
	assert.Contains(t, ta.stderr.String(), "broken pipe", "stderr does not report the write failure")
}
