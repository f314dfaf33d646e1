package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
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
			err := json.Unmarshal([]byte(res.Stdout), &rep)
			require.NoError(t, err, "stdout is not the JSON report:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
			require.Len(t, rep.Checks, 1, "report %+v\n%s\n%s", rep, res.Stdout, res.Stderr)
			require.NotNil(t, rep.Checks[0].Verify, "report %+v\n%s\n%s", rep, res.Stdout, res.Stderr)
			v := rep.Checks[0].Verify
			assert.Equal(t, tc.wantStatus, v.Status, "verify = %+v", v)
			assert.Equal(t, tc.wantAuth, v.Auth, "verify = %+v", v)
			assert.Equal(t, "http://"+reg.Addr, v.Endpoint, "verify = %+v", v)
			assert.Equal(t, tc.wantOK, rep.OK, "ok %v, exit %d; want ok %v", rep.OK, res.Exit, tc.wantOK)
			assert.Equal(t, tc.wantOK, res.Exit == 0, "ok %v, exit %d; want ok %v", rep.OK, res.Exit, tc.wantOK)
			assert.NotContains(t, res.Stdout+res.Stderr, tc.password, "check printed the password:\n%s\n%s", res.Stdout, res.Stderr)
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
	assert.Equal(t, 1, res.Exit, "exit %d, want 1", res.Exit)
	for _, want := range []string{"  ok  ", "FAIL (credential)", "accepted (http://" + reg.Addr + ")", "rejected (http://", "Details:", "bad (static, ",
		"the password comes from passwordFile /"} {
		assert.Contains(t, res.Stdout, want, "table lacks %q", want)
	}
	assert.Contains(t, res.Stderr, "check failed: 1 of 2 checks failed", "stderr")
	assert.NotContains(t, res.Stdout+res.Stderr, reg.Password, "check printed a password")
	assert.NotContains(t, res.Stdout+res.Stderr, "bad-password-x", "check printed a password")
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
			require.Equal(t, 0, res.Exit, "get exit %d: %s\n%s", res.Exit, res.Stdout, res.Stderr)
			require.NoError(t, json.Unmarshal([]byte(res.Stdout), &got), "get exit %d: %s\n%s", res.Exit, res.Stdout, res.Stderr)
			assert.Equal(t, tt.wantUser, got.Username, "get answered %q, want %q; log:\n%s", got.Username, tt.wantUser, res.Stderr)
			assert.Equal(t, tt.wantSecret, got.Secret, "get answered %q, want %q; log:\n%s", got.Username, tt.wantUser, res.Stderr)
			for _, pw := range []string{"stale-pw-vt", "reader-pw-vt", reg.Password} {
				assert.NotContains(t, res.Stderr, pw, "the debug log holds a password")
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
	assert.Equal(t, 1, res.Exit, "every entry rejected: exit %d, %q", res.Exit, res.Stdout)
	assert.Contains(t, res.Stdout, "first (static", "every entry rejected: exit %d,", res.Exit)
	assert.Contains(t, res.Stdout, "second (static", "every entry rejected: exit %d,", res.Exit)
	assert.Contains(t, res.Stdout, "rejected", "every entry rejected: exit %d,", res.Exit)
	assert.NotContains(t, res.Stdout, "stale-pw-vt", "every entry rejected: exit %d,", res.Exit)
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
	err := json.Unmarshal([]byte(res.Stdout), &rep)
	require.NoError(t, err, "report:\n%s\n%s", res.Stdout, res.Stderr)
	require.Len(t, rep.Checks, 2, "report:\n%s\n%s", res.Stdout, res.Stderr)
	wantDetail := "token server " + reg.Token.URL + "/token refused the credential: HTTP 401 ([withheld: it contains the credential])"
	for _, ch := range rep.Checks {
		require.NotNil(t, ch.Verify, "check %+v", ch)
		require.NotEqual(t, "", ch.Username, "check %+v", ch)
		require.Equal(t, "http://"+reg.Addr, ch.Verify.Endpoint, "check %+v", ch)
		switch ch.Entry {
		case "good (static, " + cfg + ":3)":
			assert.Equal(t, "accepted", ch.Verify.Status, "good: %+v %+v", ch, *ch.Verify)
			assert.Equal(t, "reader", ch.Username, "good: %+v %+v", ch, *ch.Verify)
		case "bad (static, " + cfg + ":6)":
			assert.Equal(t, "rejected", ch.Verify.Status, "bad: %+v", *ch.Verify)
			assert.Equal(t, wantDetail, ch.Verify.Detail, "bad: verify detail")
		default:
			assert.Fail(t, "unexpected entry "+ch.Entry)
		}
	}

	table := runBinary(t, testBinary(t), env, "check", "--verify")
	for _, want := range []string{"accepted (http://" + reg.Addr + ")", "rejected (http://" + reg.Addr + ")",
		"  ok  ", "FAIL (credential)", "Details:", wantDetail, "a request tries the matching ones most specific first"} {
		assert.Contains(t, table.Stdout, want, "table lacks %q", want)
	}
	all := res.Stdout + res.Stderr + table.Stdout + table.Stderr
	assert.NotContains(t, all, "redacted", "check masked letters")
}
