package front

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/configpath"
	"github.com/regcred/regcred/credhelper/dockerproto"
	"github.com/regcred/regcred/providers"
)

// notFound is the protocol's not-found answer, byte for byte.
const notFound = "credentials not found in native keychain\n"

const (
	staticConfig = "registries:\n  - match: reg.example.com\n    static: {username: alice, passwordEnv: REG_PW}\n"
	tokenAnswer  = `{"ServerURL":"` + ecrHost + `","Username":"AWS","Secret":"tok"}` + "\n"
	// deadBus is a session-bus address with nothing behind it: the cache
	// takes it for a bus all the same (it never dials it to decide).
	deadBus = "unix:path=/nonexistent/bus"
)

// token is a credential cached before the run, for host (ecrHost when
// empty): issued age ago, valid for lifetime; user AWS and secret tok
// unless set.
type token struct {
	age, lifetime      time.Duration
	host, user, secret string
}

// fresh is a token the engine and the front serve as it is.
func fresh() *token { return &token{age: time.Minute, lifetime: 12 * time.Hour} }

// frontCase is one request to the front, what came before it, and what
// the front must make of it.
type frontCase struct {
	name   string
	config string      // "" writes no config file
	perm   os.FileMode // the config file's mode; 0 means 0600
	// files are written before anything runs. "$HOME" stands for the
	// fixture's home in their paths and contents, in env values and in
	// priorArgs.
	files map[string]string
	token *token
	login string // a registry `docker login` stored credentials for, before the route
	env   map[string]string
	unset []string
	goos  string   // "" means linux
	args  []string // nil means get
	stdin string
	// noRead: the front must leave stdin alone for the engine.
	noRead bool
	// noBus: the case assumes this machine has no session bus at
	// /run/user/<uid>/bus (the cache looks there whatever the env says).
	noBus bool

	// prior is the request of the engine's `get` before the front runs,
	// whose route (if recorded) the front may use; "" means stdin.
	prior string
	// priorArgs are the engine's arguments for it; nil means get.
	priorArgs []string
	// routed: the prior get must have recorded a route (handled implies
	// it); otherwise it must have recorded none.
	routed bool
	// setup changes the fixture before anything runs.
	setup func(testing.TB, *fixture)
	// after changes the fixture once the prior get is done.
	after func(testing.TB, *fixture)
	// later: the front runs this long after the prior get.
	later time.Duration

	handled bool
	code    int
	stdout  string // exact, when handled
}

func TestFrontRun(t *testing.T) {
	isolateAWSSDK(t)
	var cases []frontCase
	for _, group := range [][]frontCase{dispatchCases(), stdinCases(), notFoundCases(), entryCases(), staticCases(), tokenCases(),
		storeCases(), configCases(), loginCases(), changeCases(), identityCases()} {
		cases = append(cases, group...)
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		require.False(t, seen[tc.name], "two cases named %q", tc.name)
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) { runFrontCase(t, tc) })
	}
}

// runFrontCase runs the front before any route exists (it must hand off),
// then the engine's prior get, then the front, and checks it against tc
// and, when it answered, against the engine: the engine would have
// printed the same bytes with the same exit code, and logged nothing.
func runFrontCase(t *testing.T, tc frontCase) {
	fx := setUpCase(t, tc)
	args := tc.args
	if args == nil {
		args = []string{"get"}
	}
	ans, out, _ := runFront(fx, tc, args, 0)
	require.False(t, ans.Handled, "with no route recorded the front answered %d %q; only the engine may", ans.Code, out)
	require.Zero(t, out.Len(), "with no route recorded the front wrote %q; only the engine may", out)
	priorArgs := slices.Clone(tc.priorArgs)
	if priorArgs == nil {
		priorArgs = []string{"get"}
	}
	for i := range priorArgs {
		priorArgs[i] = strings.ReplaceAll(priorArgs[i], "$HOME", fx.home)
	}
	pOut, pErr, pCode := fx.engine(t, cmp.Or(tc.prior, tc.stdin), priorArgs...)
	checkRouted(t, fx, tc.routed || tc.handled, pOut, pErr, pCode)
	if tc.after != nil {
		tc.after(t, fx)
	}

	ans, out, read := runFront(fx, tc, args, tc.later)
	checkConsumed(t, tc, ans, read)
	require.Equal(t, tc.handled, ans.Handled, "Handled (code %d, stdout %q)", ans.Code, out)
	if !ans.Handled {
		assert.Zero(t, out.Len(), "the front wrote %q and then handed off: the engine's answer would follow it", out)
		return
	}
	assert.Equal(t, tc.code, ans.Code, "answer's exit code")
	assert.Equal(t, tc.stdout, out.String(), "answer")
	engOut, engErr, engCode := fx.engine(t, tc.stdin, args...)
	assert.Equal(t, engOut, out.String(), "the front's answer, against the engine's")
	assert.Equal(t, engCode, ans.Code, "the front's exit code, against the engine's")
	assert.Empty(t, engErr, "the front answered silently where the engine would log")
}

// setUpCase is the fixture of tc, before any engine run: files, cached
// token, stored login, then the case's environment.
func setUpCase(t *testing.T, tc frontCase) *fixture {
	t.Helper()
	if tc.config == "" && exists(configpath.System) {
		t.Skipf("%s exists on this machine", configpath.System)
	}
	if tc.noBus && exists(filepath.Join("/run/user", strconv.Itoa(os.Getuid()), "bus")) {
		t.Skip("this machine has a session bus in /run/user")
	}
	fx := newFixture(t, tc.config, tc.perm)
	for p, content := range tc.files {
		fx.writeFile(t, strings.ReplaceAll(p, "$HOME", fx.home), content, 0)
	}
	if tc.setup != nil {
		tc.setup(t, fx)
	}
	if tok := tc.token; tok != nil {
		cred := providers.Credential{Username: cmp.Or(tok.user, "AWS"), Secret: providers.Secret(cmp.Or(tok.secret, "tok"))}
		fx.prime(t, cmp.Or(tok.host, ecrHost), cred, time.Now().Add(-tok.age), tok.lifetime)
	}
	if tc.login != "" {
		fx.storeLogin(t, tc.login, "bob", "login-secret")
	}
	for k, v := range tc.env {
		fx.env[k] = strings.ReplaceAll(v, "$HOME", fx.home)
	}
	for _, k := range tc.unset {
		delete(fx.env, k)
	}
	return fx
}

// runFront runs a Front for tc on a fresh stdin, later than now by later:
// its answer, what it wrote and how much of stdin it read.
func runFront(fx *fixture, tc frontCase, args []string, later time.Duration) (Answer, *bytes.Buffer, int) {
	in := &countingReader{r: strings.NewReader(tc.stdin)}
	f, out := fx.front(in, cmp.Or(tc.goos, "linux"))
	f.Now = func() time.Time { return time.Now().Add(later) }
	return f.Run(context.Background(), args), out, in.n
}

// checkRouted: the prior get recorded one route or none, as the case
// says; a route is only recorded for a clean answer.
func checkRouted(t *testing.T, fx *fixture, want bool, out, errOut string, code int) {
	t.Helper()
	routes := fx.routeFiles(t)
	require.LessOrEqual(t, len(routes), 1, "one get recorded several routes")
	require.Equal(t, want, len(routes) == 1, "the prior get recorded a route; it answered %d %q, logging %q", code, out, errOut)
	if want {
		assert.Empty(t, errOut, "a route was recorded for a get that logged")
	}
}

// checkConsumed: Consumed is exactly what was read from stdin, so the
// engine sees the request whole; the front reads a bounded amount, and
// nothing at all where the request is not its to read.
func checkConsumed(t *testing.T, tc frontCase, ans Answer, read int) {
	t.Helper()
	assert.True(t, bytes.Equal(ans.Consumed, []byte(tc.stdin)[:read]), "Consumed = %q, but the front read %q", ans.Consumed, tc.stdin[:read])
	if tc.noRead {
		assert.Zero(t, read, "the front read bytes of stdin that are the engine's")
	}
	limit := dockerproto.MaxRequestSize + 1
	assert.LessOrEqual(t, read, limit, "the front read %d bytes of %d; it must read up to %d", read, len(tc.stdin), limit)
	if len(tc.stdin) >= limit && !tc.noRead {
		assert.Equal(t, limit, read, "the front read %d bytes of %d; it must read up to %d", read, len(tc.stdin), limit)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
