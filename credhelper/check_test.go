package credhelper

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/check"
)

const checkTestConfig = `registries:
  - match: registry.example.com/team
    name: team
    static: {username: robot, passwordEnv: PW}
  - match: registry.example.com
    static: {username: other, passwordFile: /nonexistent/pw}
  - match: "*.example.org"
    static: {username: x, passwordEnv: PW}
  - match: docker.io
    anonymous: {}
  - match: docker.io
    static: {username: hub, passwordEnv: PW}
`

const checkSecret = "check-secret-91b2"

func runCheck(t *testing.T, ta *testApp, args ...string) (check.Report, int) {
	t.Helper()
	out, code := ta.runString(t, "", append([]string{"check", "--output", "json"}, args...)...)
	var rep check.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep), "check --output json printed %q", out)
	for _, s := range []string{out, ta.stderr.String()} {
		require.NotContains(t, s, checkSecret, "check printed the secret")
	}
	return rep, code
}

func TestCheckEveryEntry(t *testing.T) {
	ta := newTestApp(t, checkTestConfig, map[string]string{"PW": checkSecret})
	rep, code := runCheck(t, ta)
	assert.Equal(t, 1, code, "a failing entry must fail the check: exit %d, ok %v", code, rep.OK)
	assert.False(t, rep.OK, "a failing entry must fail the check: exit %d, ok %v", code, rep.OK)
	configured := 0
	for _, e := range rep.Entries {
		if !e.Builtin {
			configured++
		}
	}
	require.True(t, rep.Config.Valid, "config %+v, %d configured entries, %d checks", rep.Config, configured, len(rep.Checks))
	require.Equal(t, 5, configured, "config %+v, %d configured entries, %d checks", rep.Config, configured, len(rep.Checks))
	require.Len(t, rep.Checks, 5, "config %+v, %d configured entries, %d checks", rep.Config, configured, len(rep.Checks))
	want := []struct{ outcome, user string }{
		{check.OutcomeCredential, "robot"}, {check.OutcomeFailed, ""}, {check.OutcomeSkipped, ""}, {check.OutcomeAnonymous, ""}, {check.OutcomeCredential, "hub"},
	}
	for i, w := range want {
		ch := rep.Checks[i]
		assert.Equal(t, w.outcome, ch.Outcome, "check %d (%s) = %s/%q, want %s/%q", i, ch.Request, ch.Outcome, ch.Username, w.outcome, w.user)
		assert.Equal(t, w.user, ch.Username, "check %d (%s) = %s/%q, want %s/%q", i, ch.Request, ch.Outcome, ch.Username, w.outcome, w.user)
	}
	assert.Contains(t, rep.Checks[1].Detail, "/nonexistent/pw", "the failure does not say why")
	assert.True(t, strings.HasPrefix(rep.Entries[4].Serves, "never used: entry 4"), "an entry shadowed by anonymous is not called out: %q", rep.Entries[4].Serves)
	assert.Contains(t, rep.Entries[0].Serves, "registry.example.com/team/", "entry 1 = %+v", rep.Entries[0])
	assert.NotEmpty(t, rep.Entries[0].Source, "entry 1 = %+v", rep.Entries[0])
	assert.Equal(t, "not cached (local source)", rep.Checks[0].Cache, "cache state %q", rep.Checks[0].Cache)
	assert.Contains(t, ta.stderr.String(), "check failed: 1 of 5 checks failed", "no summary on stderr")
}

func TestCheckNamedRequests(t *testing.T) {
	ta := newTestApp(t, checkTestConfig, map[string]string{"PW": checkSecret})
	tests := []struct {
		name, request, outcome, user string
		attempts                     int
		ok                           bool
	}{
		{name: "path-scoped entry after the failing host entry", request: "registry.example.com", outcome: check.OutcomeCredential, user: "robot", attempts: 1, ok: true},
		{name: "image under the team", request: "registry.example.com/team/app:1", outcome: check.OutcomeCredential, user: "robot", ok: true},
		{name: "image outside the team", request: "registry.example.com/other/app", outcome: check.OutcomeFailed, attempts: 1},
		{name: "glob", request: "a.example.org/x", outcome: check.OutcomeCredential, user: "x", ok: true},
		{name: "anonymous first", request: "nginx", outcome: check.OutcomeAnonymous, ok: true},
		{name: "no match", request: "nothing.example.net", outcome: check.OutcomeNoMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, code := runCheck(t, ta, tt.request)
			require.Len(t, rep.Checks, 1, "checks %+v", rep.Checks)
			ch := rep.Checks[0]
			assert.Equal(t, tt.outcome, ch.Outcome, "check = %+v", ch)
			assert.Equal(t, tt.user, ch.Username, "check = %+v", ch)
			assert.Equal(t, tt.ok, ch.OK, "check = %+v", ch)
			assert.Len(t, ch.Attempts, tt.attempts, "check = %+v", ch)
			assert.Equal(t, tt.ok, code == 0, "exit %d with ok %v", code, tt.ok)
		})
	}
}

func TestCheckTable(t *testing.T) {
	ta := newTestApp(t, checkTestConfig, map[string]string{"PW": checkSecret})
	out, code := ta.runString(t, "", "check", "registry.example.com/other/app", "registry.example.com/team/app")
	assert.Equal(t, 1, code, "exit %d", code)
	for _, want := range []string{
		"Config: ", "(valid)", "Entries, in config order", "team (static, ", "  ok  ", "FAIL    all 1 failed (see Details)",
		"Details:", "tried registry.example.com (static, ", "/nonexistent/pw", "REGCRED_LOG=debug",
	} {
		assert.Contains(t, out, want, "table lacks %q", want)
	}
	assert.NotContains(t, out, "FAIL (failed)", "the table repeats the result as its outcome")
	assert.NotContains(t, out, "ok (credential)", "the table repeats the result as its outcome")
	assert.NotContains(t, out, checkSecret, "table holds the secret or the stderr summary")
	assert.NotContains(t, out, "check failed", "table holds the secret or the stderr summary")
}

func TestCheckInvalidConfig(t *testing.T) {
	ta := newTestApp(t, `registries:
  - match: "bad pattern/"
    static: {username: u}
  - match: ok.example.com
    static: {username: u}
`, nil)
	rep, code := runCheck(t, ta)
	require.Equal(t, 1, code, "exit %d, config %+v", code, rep.Config)
	require.False(t, rep.Config.Valid, "exit %d, config %+v", code, rep.Config)
	require.GreaterOrEqual(t, len(rep.Config.Problems), 2, "exit %d, config %+v", code, rep.Config)
	for _, p := range rep.Config.Problems {
		assert.Contains(t, p, "config.yaml:", "problem without file:line")
		assert.False(t, strings.HasPrefix(p, "invalid config"), "problem without file:line: %q", p)
	}
	out, _ := ta.runString(t, "", "check")
	assert.Contains(t, out, "Config: INVALID (2 problems)", "table")
	ta = newTestApp(t, "registries:\n  - match: ok.example.com\n    vaultt: {}\n", nil)
	rep, _ = runCheck(t, ta)
	if assert.Len(t, rep.Config.Problems, 1) {
		assert.Contains(t, rep.Config.Problems[0], `config.yaml:3: unknown key "vaultt"`)
	}
}

func TestCheckUsage(t *testing.T) {
	ta := newTestApp(t, checkTestConfig, nil)
	for _, args := range [][]string{{"check", "--bogus"}, {"check", "--output"}, {"check", "--output", "xml"}, {"check", "https://"}} {
		out, code := ta.runString(t, "", args...)
		assert.Equal(t, 1, code, "%v: exit %d, stdout %q (errors belong on stderr)", args, code, out)
		assert.Equal(t, "", out, "%v: exit %d, stdout %q (errors belong on stderr)", args, code, out)
	}
}
