package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/registrytest"
)

// checkReport is the part of `check --output json` these tests read.
type checkReport struct {
	OK     bool `json:"ok"`
	Checks []struct {
		Request  string `json:"request"`
		Entry    string `json:"entry"`
		Outcome  string `json:"outcome"`
		Username string `json:"username"`
		OK       bool   `json:"ok"`
		Verify   *struct {
			Status   string `json:"status"`
			Auth     string `json:"auth"`
			Endpoint string `json:"endpoint"`
			Detail   string `json:"detail"`
		} `json:"verify"`
	} `json:"checks"`
}

// secretFile writes a password file and returns its path.
func secretFile(t *testing.T, secret string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(p, []byte(secret+"\n"), 0o600))
	return p
}

type verifyCase struct {
	name, user, password, request string
	wantStatus, wantAuth          string
	wantOK                        bool
}

// runVerifyCases runs `check --verify --output json` through the binary for
// each case and checks the verdict, the exit code and that no secret was
// printed.
func runVerifyCases(t *testing.T, reg *registrytest.Registry, cases []verifyCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := writeConfig(t, `registries:
  - match: `+reg.Addr+`
    static: {username: `+tc.user+`, passwordFile: "`+secretFile(t, tc.password)+`"}
`)
			res := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + cfg}},
				"check", "--verify", "--output", "json", tc.request)
			var rep checkReport
			if err := json.Unmarshal([]byte(res.Stdout), &rep); err != nil {
				t.Fatalf("stdout is not the JSON report (%v):\n%s\nstderr:\n%s", err, res.Stdout, res.Stderr)
			}
			if len(rep.Checks) != 1 || rep.Checks[0].Verify == nil {
				t.Fatalf("report %+v\n%s\n%s", rep, res.Stdout, res.Stderr)
			}
			v := rep.Checks[0].Verify
			if v.Status != tc.wantStatus || v.Auth != tc.wantAuth || v.Endpoint != "http://"+reg.Addr {
				t.Errorf("verify = %+v, want %s via %s", v, tc.wantStatus, tc.wantAuth)
			}
			if rep.OK != tc.wantOK || (res.Exit == 0) != tc.wantOK {
				t.Errorf("ok %v, exit %d; want ok %v", rep.OK, res.Exit, tc.wantOK)
			}
			if strings.Contains(res.Stdout+res.Stderr, tc.password) {
				t.Errorf("check printed the password:\n%s\n%s", res.Stdout, res.Stderr)
			}
		})
	}
}

// TestCheckVerifyHtpasswd proves credentials against docker-registry with
// htpasswd auth (a Basic challenge). Every htpasswd user may read every
// repository, so the unreadable case is one that does not exist.
func TestCheckVerifyHtpasswd(t *testing.T) {
	reg := registrytest.Start(t)
	reg.Push(t, "team/app:1.0")
	runVerifyCases(t, reg, []verifyCase{
		{name: "right credential", user: reg.Username, password: reg.Password, request: reg.Addr, wantStatus: "accepted", wantAuth: "basic", wantOK: true},
		{name: "wrong credential", user: reg.Username, password: "wrong-" + reg.Password, request: reg.Addr, wantStatus: "rejected", wantAuth: "basic"},
		{name: "readable repository", user: reg.Username, password: reg.Password, request: reg.Addr + "/team/app:1.0", wantStatus: "accepted", wantAuth: "basic", wantOK: true},
		{name: "missing repository", user: reg.Username, password: reg.Password, request: reg.Addr + "/team/none", wantStatus: "repository not found", wantAuth: "basic"},
		{name: "wrong credential, readable repository", user: reg.Username, password: "nope-" + reg.Password, request: reg.Addr + "/team/app", wantStatus: "rejected", wantAuth: "basic"},
	})
}

// TestCheckVerifyTokenAuth proves credentials against docker-registry with
// token auth: the Bearer challenge leads to a token server that grants
// pull per repository, and the registry verifies the JWT it issued.
func TestCheckVerifyTokenAuth(t *testing.T) {
	reg := registrytest.StartTokenAuth(t)
	reg.Push(t, "team/app:1.0")
	reg.Push(t, "secret/app:1.0")
	reg.Token.AddUser("reader", "reader-pw-e2e", "team")
	runVerifyCases(t, reg, []verifyCase{
		{name: "right credential", user: "reader", password: "reader-pw-e2e", request: reg.Addr, wantStatus: "accepted", wantAuth: "bearer", wantOK: true},
		{name: "wrong credential", user: "reader", password: "wrong-pw-e2e", request: reg.Addr, wantStatus: "rejected", wantAuth: "bearer"},
		{name: "readable repository", user: "reader", password: "reader-pw-e2e", request: reg.Addr + "/team/app:1.0", wantStatus: "accepted", wantAuth: "bearer", wantOK: true},
		{name: "unreadable repository", user: "reader", password: "reader-pw-e2e", request: reg.Addr + "/secret/app:1.0", wantStatus: "repository not readable", wantAuth: "bearer"},
	})
}

// TestCheckTableEveryEntry runs check without arguments: each entry is
// resolved and verified, and the human table says which failed and why.
func TestCheckTableEveryEntry(t *testing.T) {
	reg := registrytest.Start(t)
	cfg := writeConfig(t, `registries:
  - match: `+reg.Addr+`/good
    name: good
    static: {username: `+reg.Username+`, passwordFile: `+secretFile(t, reg.Password)+`}
  - match: `+reg.Addr+`/bad
    name: bad
    static: {username: `+reg.Username+`, passwordFile: `+secretFile(t, "bad-password-x")+`}
`)
	res := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + cfg}}, "check", "--verify")
	if res.Exit != 1 {
		t.Errorf("exit %d, want 1", res.Exit)
	}
	for _, want := range []string{"  ok  ", "FAIL (credential)", "accepted (http://" + reg.Addr + ")", "rejected (http://", "Details:", "bad (static, ",
		"the password comes from passwordFile /"} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, res.Stdout)
		}
	}
	if !strings.Contains(res.Stderr, "check failed: 1 of 2 checks failed") {
		t.Errorf("stderr:\n%s", res.Stderr)
	}
	if strings.Contains(res.Stdout+res.Stderr, reg.Password) || strings.Contains(res.Stdout+res.Stderr, "bad-password-x") {
		t.Error("check printed a password")
	}
}

// TestVerifyTrueFallsThrough: with `verify: true` a credential the registry
// rejects (or that may not read the repository) moves the resolver on to
// the next matching entry; without it, the first credential wins.
func TestVerifyTrueFallsThrough(t *testing.T) {
	reg := registrytest.StartTokenAuth(t)
	reg.Push(t, "team/app:1.0")
	reg.Push(t, "secret/app:1.0")
	reg.Token.AddUser("reader", "reader-pw-vt", "team")
	wrong, reader, admin := secretFile(t, "stale-pw-vt"), secretFile(t, "reader-pw-vt"), secretFile(t, reg.Password)
	entries := func(verify string) string {
		return `registries:
  - match: ` + reg.Addr + `
    name: stale
    ` + verify + `
    static: {username: reader, passwordFile: ` + wrong + `}
  - match: ` + reg.Addr + `
    name: reader
    ` + verify + `
    static: {username: reader, passwordFile: ` + reader + `}
  - match: ` + reg.Addr + `
    name: admin
    static: {username: ` + reg.Username + `, passwordFile: ` + admin + `}
`
	}
	withVerify, without := writeConfig(t, entries("verify: true")), writeConfig(t, entries("verify: false"))
	tests := []struct {
		name, config, request, wantUser, wantSecret string
	}{
		{name: "rejected credential skipped", config: withVerify, request: reg.Addr, wantUser: "reader", wantSecret: "reader-pw-vt"},
		{name: "readable repository", config: withVerify, request: reg.Addr + "/team/app:1.0", wantUser: "reader", wantSecret: "reader-pw-vt"},
		{name: "unreadable repository falls to the next entry", config: withVerify, request: reg.Addr + "/secret/app:1.0", wantUser: reg.Username, wantSecret: reg.Password},
		{name: "control: without verify the first entry wins", config: without, request: reg.Addr + "/secret/app:1.0", wantUser: "reader", wantSecret: "stale-pw-vt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + tt.config, "REGCRED_LOG=debug"}, Stdin: tt.request}, "get")
			var got struct{ Username, Secret string }
			if res.Exit != 0 || json.Unmarshal([]byte(res.Stdout), &got) != nil {
				t.Fatalf("get exit %d: %s\n%s", res.Exit, res.Stdout, res.Stderr)
			}
			if got.Username != tt.wantUser || got.Secret != tt.wantSecret {
				t.Errorf("get answered %q, want %q; log:\n%s", got.Username, tt.wantUser, res.Stderr)
			}
			for _, pw := range []string{"stale-pw-vt", "reader-pw-vt", reg.Password} {
				if strings.Contains(res.Stderr, pw) {
					t.Errorf("the debug log holds a password")
				}
			}
		})
	}

	allWrong := writeConfig(t, `registries:
  - match: `+reg.Addr+`
    name: first
    verify: true
    static: {username: reader, passwordFile: `+wrong+`}
  - match: `+reg.Addr+`
    name: second
    verify: true
    static: {username: nobody, passwordFile: `+wrong+`}
`)
	res := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + allWrong}, Stdin: reg.Addr}, "get")
	if res.Exit != 1 || !strings.Contains(res.Stdout, "first (static") || !strings.Contains(res.Stdout, "second (static") ||
		!strings.Contains(res.Stdout, "rejected") || strings.Contains(res.Stdout, "stale-pw-vt") {
		t.Errorf("every entry rejected: exit %d, %q", res.Exit, res.Stdout)
	}
}

// TestCheckOneLetterPasswordWithholdsFields: with the one-letter password
// "p", check withholds the token server's message, which holds a "p"
// ("incorrect username or password"), as a whole, and leaves every other
// text alone; it used to mask each "p" ("[redacted]assword").
func TestCheckOneLetterPasswordWithholdsFields(t *testing.T) {
	reg := registrytest.StartTokenAuth(t)
	reg.Token.AddUser("reader", "p", "team")
	pw := secretFile(t, "p")
	cfg := writeConfig(t, `defaults: false
registries:
  - match: `+reg.Addr+`/team
    name: good
    static: {username: reader, passwordFile: `+pw+`}
  - match: `+reg.Addr+`/other
    name: bad
    static: {username: nobody, passwordFile: `+pw+`}
`)
	env := runOpts{Env: []string{"REGCRED_CONFIG=" + cfg}}
	res := runBinary(t, testBinary(t), env, "check", "--verify", "--output", "json")
	var rep checkReport
	if err := json.Unmarshal([]byte(res.Stdout), &rep); err != nil || len(rep.Checks) != 2 {
		t.Fatalf("report (%v):\n%s\n%s", err, res.Stdout, res.Stderr)
	}
	wantDetail := "token server " + reg.Token.URL + "/token refused the credential: HTTP 401 ([withheld: it contains the credential])"
	for _, ch := range rep.Checks {
		if ch.Verify == nil || ch.Username == "" || ch.Verify.Endpoint != "http://"+reg.Addr {
			t.Fatalf("check %+v", ch)
		}
		switch ch.Entry {
		case "good (static, " + cfg + ":3)":
			if ch.Verify.Status != "accepted" || ch.Username != "reader" {
				t.Errorf("good: %+v %+v", ch, *ch.Verify)
			}
		case "bad (static, " + cfg + ":6)":
			if ch.Verify.Status != "rejected" || ch.Verify.Detail != wantDetail {
				t.Errorf("bad: verify detail\n%q, want\n%q", ch.Verify.Detail, wantDetail)
			}
		default:
			t.Errorf("unexpected entry %q", ch.Entry)
		}
	}

	table := runBinary(t, testBinary(t), env, "check", "--verify")
	for _, want := range []string{"accepted (http://" + reg.Addr + ")", "rejected (http://" + reg.Addr + ")",
		"  ok  ", "FAIL (credential)", "Details:", wantDetail, "a request tries the matching ones most specific first"} {
		if !strings.Contains(table.Stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, table.Stdout)
		}
	}
	if all := res.Stdout + res.Stderr + table.Stdout + table.Stderr; strings.Contains(all, "redacted") {
		t.Errorf("check masked letters:\n%s", all)
	}
}
