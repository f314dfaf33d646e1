package credhelper

import (
	"encoding/json"
	"strings"
	"testing"

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
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("check --output json printed %q: %v", out, err)
	}
	for _, s := range []string{out, ta.stderr.String()} {
		if strings.Contains(s, checkSecret) {
			t.Fatalf("check printed the secret:\n%s", s)
		}
	}
	return rep, code
}

func TestCheckEveryEntry(t *testing.T) {
	ta := newTestApp(t, checkTestConfig, map[string]string{"PW": checkSecret})
	rep, code := runCheck(t, ta)
	if code != 1 || rep.OK {
		t.Errorf("a failing entry must fail the check: exit %d, ok %v", code, rep.OK)
	}
	configured := 0
	for _, e := range rep.Entries {
		if !e.Builtin {
			configured++
		}
	}
	if !rep.Config.Valid || configured != 5 || len(rep.Checks) != 5 {
		t.Fatalf("config %+v, %d configured entries, %d checks", rep.Config, configured, len(rep.Checks))
	}
	want := []struct{ outcome, user string }{
		{check.OutcomeCredential, "robot"}, {check.OutcomeFailed, ""}, {check.OutcomeSkipped, ""}, {check.OutcomeAnonymous, ""}, {check.OutcomeCredential, "hub"},
	}
	for i, w := range want {
		ch := rep.Checks[i]
		if ch.Outcome != w.outcome || ch.Username != w.user {
			t.Errorf("check %d (%s) = %s/%q, want %s/%q", i, ch.Request, ch.Outcome, ch.Username, w.outcome, w.user)
		}
	}
	if !strings.Contains(rep.Checks[1].Detail, "/nonexistent/pw") {
		t.Errorf("the failure does not say why: %q", rep.Checks[1].Detail)
	}
	if !strings.HasPrefix(rep.Entries[4].Serves, "never used: entry 4") {
		t.Errorf("an entry shadowed by anonymous is not called out: %q", rep.Entries[4].Serves)
	}
	if !strings.Contains(rep.Entries[0].Serves, "registry.example.com/team/") || rep.Entries[0].Source == "" {
		t.Errorf("entry 1 = %+v", rep.Entries[0])
	}
	if rep.Checks[0].Cache != "not cached (local source)" {
		t.Errorf("cache state %q", rep.Checks[0].Cache)
	}
	if !strings.Contains(ta.stderr.String(), "check failed: 1 of 5 checks failed") {
		t.Errorf("no summary on stderr:\n%s", ta.stderr.String())
	}
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
			if len(rep.Checks) != 1 {
				t.Fatalf("checks %+v", rep.Checks)
			}
			ch := rep.Checks[0]
			if ch.Outcome != tt.outcome || ch.Username != tt.user || ch.OK != tt.ok || len(ch.Attempts) != tt.attempts {
				t.Errorf("check = %+v", ch)
			}
			if (code == 0) != tt.ok {
				t.Errorf("exit %d with ok %v", code, tt.ok)
			}
		})
	}
}

func TestCheckTable(t *testing.T) {
	ta := newTestApp(t, checkTestConfig, map[string]string{"PW": checkSecret})
	out, code := ta.runString(t, "", "check", "registry.example.com/other/app", "registry.example.com/team/app")
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	for _, want := range []string{
		"Config: ", "(valid)", "Entries, in config order", "team (static, ", "  ok  ", "FAIL    all 1 failed (see Details)",
		"Details:", "tried registry.example.com (static, ", "/nonexistent/pw", "REGCRED_LOG=debug",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "FAIL (failed)") || strings.Contains(out, "ok (credential)") {
		t.Errorf("the table repeats the result as its outcome:\n%s", out)
	}
	if strings.Contains(out, checkSecret) || strings.Contains(out, "check failed") {
		t.Errorf("table holds the secret or the stderr summary:\n%s", out)
	}
}

func TestCheckInvalidConfig(t *testing.T) {
	ta := newTestApp(t, `registries:
  - match: "bad pattern/"
    static: {username: u}
  - match: ok.example.com
    static: {username: u}
`, nil)
	rep, code := runCheck(t, ta)
	if code != 1 || rep.Config.Valid || len(rep.Config.Problems) < 2 {
		t.Fatalf("exit %d, config %+v", code, rep.Config)
	}
	for _, p := range rep.Config.Problems {
		if !strings.Contains(p, "config.yaml:") || strings.HasPrefix(p, "invalid config") {
			t.Errorf("problem without file:line: %q", p)
		}
	}
	out, _ := ta.runString(t, "", "check")
	if !strings.Contains(out, "Config: INVALID (2 problems)") {
		t.Errorf("table:\n%s", out)
	}
	ta = newTestApp(t, "registries:\n  - match: ok.example.com\n    vaultt: {}\n", nil)
	if rep, _ := runCheck(t, ta); len(rep.Config.Problems) != 1 || !strings.Contains(rep.Config.Problems[0], `config.yaml:3: unknown key "vaultt"`) {
		t.Errorf("problems %q", rep.Config.Problems)
	}
}

func TestCheckUsage(t *testing.T) {
	ta := newTestApp(t, checkTestConfig, nil)
	for _, args := range [][]string{{"check", "--bogus"}, {"check", "--output"}, {"check", "--output", "xml"}, {"check", "https://"}} {
		out, code := ta.runString(t, "", args...)
		if code != 1 || out != "" {
			t.Errorf("%v: exit %d, stdout %q (errors belong on stderr)", args, code, out)
		}
	}
}
