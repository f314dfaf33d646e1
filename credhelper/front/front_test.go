package front

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/dockerproto"
)

// notFound is the protocol's not-found answer, byte for byte.
const notFound = "credentials not found in native keychain\n"

const (
	staticConfig = "registries:\n  - match: reg.example.com\n    static: {username: alice, passwordEnv: REG_PW}\n"
	aliceAnswer  = `{"ServerURL":"reg.example.com","Username":"alice","Secret":"s3cret"}` + "\n"
	tokenAnswer  = `{"ServerURL":"` + ecrHost + `","Username":"AWS","Secret":"tok"}` + "\n"
	// deadBus is a session-bus address with nothing behind it: the cache
	// takes it for a bus all the same (it never dials it to decide).
	deadBus = "unix:path=/nonexistent/bus"
)

// token is a token cached for ecrHost before the run: issued age ago,
// valid for lifetime.
type token struct{ age, lifetime time.Duration }

// frontCase is one request to the front and what it must make of it.
type frontCase struct {
	name   string
	config string      // "" writes no config file
	perm   os.FileMode // the config file's mode; 0 means 0600
	token  *token
	login  string // a registry `docker login` stored credentials for
	env    map[string]string
	unset  []string
	goos   string   // "" means linux
	args   []string // nil means get
	stdin  string
	// readErr: stdin fails after its bytes.
	readErr bool
	// noRead: the front must leave stdin alone for the backend.
	noRead bool
	// noBus: the case assumes this machine has no session bus at
	// /run/user/<uid>/bus (the cache looks there whatever the env says).
	noBus bool

	handled bool
	code    int
	stdout  string // exact, when handled
}

func TestFrontRun(t *testing.T) {
	var cases []frontCase
	for _, group := range [][]frontCase{dispatchCases(), stdinCases(), matchCases(), tokenCases(), storeCases(), configCases()} {
		cases = append(cases, group...)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runFrontCase(t, tc) })
	}
}

// runFrontCase runs the front and checks it against tc and, when it
// answered, against the engine: the backend would have printed the same
// bytes with the same exit code, and logged nothing.
func runFrontCase(t *testing.T, tc frontCase) {
	if tc.config == "" && exists(config.SystemConfigPath) {
		t.Skipf("%s exists on this machine", config.SystemConfigPath)
	}
	if tc.noBus && exists(filepath.Join("/run/user", strconv.Itoa(os.Getuid()), "bus")) {
		t.Skip("this machine has a session bus in /run/user")
	}
	fx := newFixture(t, tc.config, tc.perm)
	if tc.token != nil {
		fx.prime(t, ecrHost, "tok", time.Now().Add(-tc.token.age), tc.token.lifetime)
	}
	if tc.login != "" {
		fx.storeLogin(t, tc.login, "bob", "login-secret")
	}
	maps.Copy(fx.env, tc.env)
	for _, k := range tc.unset {
		delete(fx.env, k)
	}
	var src io.Reader = strings.NewReader(tc.stdin)
	if tc.readErr {
		src = io.MultiReader(src, iotest.ErrReader(errors.New("stdin broke")))
	}
	in := &countingReader{r: src}
	args := tc.args
	if args == nil {
		args = []string{"get"}
	}
	f, out := fx.front(in, cmp.Or(tc.goos, "linux"))
	ans := f.Run(context.Background(), args)

	checkConsumed(t, tc, ans, in.n)
	if ans.Handled != tc.handled {
		t.Fatalf("Handled = %v, want %v (code %d, stdout %q)", ans.Handled, tc.handled, ans.Code, out)
	}
	if !ans.Handled {
		if out.Len() != 0 {
			t.Errorf("the front wrote %q and then handed off: the backend's answer would follow it", out)
		}
		return
	}
	if ans.Code != tc.code || out.String() != tc.stdout {
		t.Errorf("answer = %d %q, want %d %q", ans.Code, out, tc.code, tc.stdout)
	}
	engOut, engErr, engCode := fx.engine(t, tc.stdin, args...)
	if engOut != out.String() || engCode != ans.Code {
		t.Errorf("the front answered %d %q; the backend would answer %d %q", ans.Code, out, engCode, engOut)
	}
	if engErr != "" {
		t.Errorf("the front answered silently where the backend would log:\n%s", engErr)
	}
}

// checkConsumed: Consumed is exactly what was read from stdin, so the
// backend sees the request whole; the front reads a bounded amount, and
// nothing at all where the request is not its to read.
func checkConsumed(t *testing.T, tc frontCase, ans Answer, read int) {
	t.Helper()
	if !bytes.Equal(ans.Consumed, []byte(tc.stdin)[:read]) {
		t.Errorf("Consumed = %q, but the front read %q", ans.Consumed, tc.stdin[:read])
	}
	if tc.noRead && read != 0 {
		t.Errorf("the front read %d bytes of stdin that are the backend's", read)
	}
	if limit := dockerproto.MaxRequestSize + 1; read > limit || (len(tc.stdin) >= limit && !tc.noRead && read != limit) {
		t.Errorf("the front read %d bytes of %d; it must read up to %d", read, len(tc.stdin), limit)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// dispatchCases: the front answers `get` alone, and only when nobody asked
// for the backend's log.
func dispatchCases() []frontCase {
	c := func(name string, args []string, stdin string) frontCase {
		return frontCase{name: name, config: staticConfig, args: args, stdin: stdin, noRead: true}
	}
	logCase := func(name, level string) frontCase {
		return frontCase{name: name, config: staticConfig, env: map[string]string{"REGCRED_LOG": level}, stdin: "reg.example.com", noRead: true}
	}
	return []frontCase{
		c("version is the backend's", []string{"version"}, ""),
		c("get with an argument", []string{"get", "reg.example.com"}, "reg.example.com"),
		c("no arguments", []string{}, "reg.example.com"),
		c("--config before get", []string{"--config", "/nonexistent/config.yaml", "get"}, "reg.example.com"),
		c("GET in capitals", []string{"GET"}, "reg.example.com"),
		c("kubelet", []string{"kubelet"}, `{"image":"reg.example.com/team/app"}`),
		c("store", []string{"store"}, `{"ServerURL":"reg.example.com","Username":"bob","Secret":"pw"}`),
		c("erase", []string{"erase"}, "reg.example.com"),
		c("list", []string{"list"}, "unused"),
		logCase("REGCRED_LOG=debug", "debug"),
		logCase("REGCRED_LOG=error", "error"),
		logCase("REGCRED_LOG=nonsense (the backend says so)", "nonsense"),
		{name: "REGCRED_LOG set but empty", config: staticConfig, env: map[string]string{"REGCRED_LOG": ""},
			stdin: "reg.example.com", handled: true, stdout: aliceAnswer},
	}
}

// stdinCases: a request the front cannot read or parse is the backend's to
// refuse, with all that was read put back.
func stdinCases() []frontCase {
	atLimit := "reg.example.com" + strings.Repeat(" ", dockerproto.MaxRequestSize-len("reg.example.com"))
	return []frontCase{
		{name: "empty stdin", config: staticConfig},
		{name: "blank stdin", config: staticConfig, stdin: " \n\t"},
		{name: "stdin of exactly the limit", config: staticConfig, stdin: atLimit, handled: true, stdout: aliceAnswer},
		{name: "stdin one byte over the limit", config: staticConfig, stdin: atLimit + " "},
		{name: "oversized stdin", config: staticConfig, stdin: strings.Repeat("r", 3*dockerproto.MaxRequestSize)},
		{name: "scheme other than http(s)", config: staticConfig, stdin: "ftp://reg.example.com"},
		{name: "control character", config: staticConfig, stdin: "reg.exa\x01mple.com"},
		{name: "stdin fails part-way", config: staticConfig, stdin: "reg.exa", readErr: true},
	}
}

// matchCases: the first matching entry decides, as in the engine.
func matchCases() []frontCase {
	anonThenStatic := "registries:\n  - match: reg.example.com/team\n    static: {username: alice, passwordEnv: REG_PW}\n" +
		"  - match: reg.example.com\n    anonymous: {}\n"
	return []frontCase{
		{name: "no config, unconfigured host", stdin: "quay.io", handled: true, code: 1, stdout: notFound},
		{name: "no config, ECR host with nothing cached", stdin: ecrHost},
		{name: "unconfigured host", config: staticConfig, stdin: "quay.io", handled: true, code: 1, stdout: notFound},
		{name: "static entry", config: staticConfig, stdin: "reg.example.com", handled: true, stdout: aliceAnswer},
		{name: "static entry, request echoed as sent", config: staticConfig, stdin: "  https://REG.example.com:443/v2/\n", handled: true,
			stdout: `{"ServerURL":"https://REG.example.com:443/v2/","Username":"alice","Secret":"s3cret"}` + "\n"},
		{name: "static entry, HTML-escaped like the reference", config: staticConfig, env: map[string]string{"REG_PW": "a<b>&c"},
			stdin: "reg.example.com", handled: true,
			stdout: `{"ServerURL":"reg.example.com","Username":"alice","Secret":"a\u003cb\u003e\u0026c"}` + "\n"},
		{name: "static inline password in a private config",
			config: "registries:\n  - match: reg.example.com\n    static: {username: alice, password: inline-pw}\n",
			stdin:  "reg.example.com", handled: true,
			stdout: `{"ServerURL":"reg.example.com","Username":"alice","Secret":"inline-pw"}` + "\n"},
		{name: "anonymous entry", config: "registries:\n  - match: mcr.microsoft.com\n    anonymous: {}\n",
			stdin: "mcr.microsoft.com/dotnet/runtime:8.0", handled: true, code: 1, stdout: notFound},
		{name: "host-level anonymous first for a host request", config: anonThenStatic, stdin: "reg.example.com",
			handled: true, code: 1, stdout: notFound},
		{name: "path-scoped static first for an image in its path", config: anonThenStatic, stdin: "reg.example.com/team/app:1.0",
			handled: true, stdout: `{"ServerURL":"reg.example.com/team/app:1.0","Username":"alice","Secret":"s3cret"}` + "\n"},
		{name: "static with verify: the registry must judge it",
			config: "registries:\n  - match: reg.example.com\n    verify: true\n    static: {username: alice, passwordEnv: REG_PW}\n",
			stdin:  "reg.example.com"},
		{name: "static whose variable is unset: the backend reports it", config: staticConfig, unset: []string{"REG_PW"}, stdin: "reg.example.com"},
		{name: "static that fails before an entry that answers",
			config: staticConfig + "  - match: reg.example.com\n    static: {username: carol, password: pw2}\n",
			unset:  []string{"REG_PW"}, stdin: "reg.example.com"},
	}
}

// tokenCases: a token kind is answered from a fresh file-cache entry only.
func tokenCases() []frontCase {
	fresh := &token{age: time.Minute, lifetime: 12 * time.Hour}
	c := func(name string, tok *token) frontCase {
		return frontCase{name: name, config: ecrConfig("file"), token: tok, stdin: ecrHost}
	}
	answered := c("fresh token in the file cache", fresh)
	answered.handled, answered.stdout = true, tokenAnswer
	image := c("fresh token, image reference", fresh)
	image.stdin, image.handled = ecrHost+"/team/app:1.0", true
	image.stdout = `{"ServerURL":"` + ecrHost + `/team/app:1.0","Username":"AWS","Secret":"tok"}` + "\n"
	other := c("token cached for another AWS identity", fresh)
	other.env = map[string]string{"AWS_PROFILE": "prod"}
	verified := frontCase{name: "fresh token of an entry with verify (verified when fetched)", token: fresh, stdin: ecrHost,
		config: strings.Replace(ecrConfig("file"), "    ecr:", "    verify: true\n    ecr:", 1), handled: true, stdout: tokenAnswer}
	return []frontCase{
		answered, image, other, verified,
		c("nothing cached", nil),
		c("expired token", &token{age: 13 * time.Hour, lifetime: 12 * time.Hour}),
		c("token past half its life: due a refresh", &token{age: 7 * time.Hour, lifetime: 12 * time.Hour}),
		c("token with under 5 minutes left: due a refresh", &token{lifetime: 4 * time.Minute}),
	}
}

// storeCases: the front reads the file store only, and answers nothing the
// backend would open differently or complain about.
func storeCases() []frontCase {
	fresh := &token{age: time.Minute, lifetime: 12 * time.Hour}
	tok := func(name, store string, env map[string]string) frontCase {
		return frontCase{name: name, config: ecrConfig(store), token: fresh, env: env, stdin: ecrHost}
	}
	answer := func(fc frontCase) frontCase {
		fc.handled, fc.stdout = true, tokenAnswer
		return fc
	}
	static := func(name, cacheYAML string, env map[string]string, unset ...string) frontCase {
		return frontCase{name: name, config: cacheYAML + staticConfig, env: env, unset: unset, stdin: "reg.example.com"}
	}
	noStore := "registries:\n  - match: \"*.dkr.ecr.*.amazonaws.com\"\n    ecr: {region: us-west-2}\n"
	autoNoBus := answer(tok("auto store without a session bus", "auto", nil))
	autoNoBus.noBus = true
	autolaunch := answer(tok("auto store, autolaunch: is no bus", "auto", map[string]string{"DBUS_SESSION_BUS_ADDRESS": "autolaunch:"}))
	autolaunch.noBus = true
	defaultStore := answer(frontCase{name: "store unset: auto, no session bus", config: noStore, token: fresh, stdin: ecrHost, noBus: true})
	darwin := frontCase{name: "store unset on macOS: the keyring", config: noStore, token: fresh, stdin: ecrHost, goos: "darwin"}
	windows := tok("auto store on Windows: the keyring", "auto", nil)
	windows.goos = "windows"
	relNone := static("relative cache dir with store none: no dir needed", "cache: {store: none, dir: rel/cache}\n", nil)
	relNone.handled, relNone.stdout = true, aliceAnswer
	homeless := static("no home, cache dir set", "cache: {dir: \"$HOME/cache\"}\n", nil, "HOME")
	homeless.handled, homeless.stdout = true, aliceAnswer
	staticBus := static("static entry, auto store with a session bus", "", map[string]string{"DBUS_SESSION_BUS_ADDRESS": deadBus})
	staticBus.handled, staticBus.stdout = true, aliceAnswer
	// Without a bus the backend warns that its keyring store falls back to
	// files, for the token cache and for the logins (whose store follows
	// the config, not REGCRED_CACHE).
	keyringLogins := tok("REGCRED_CACHE=file over a keyring store without a bus: the backend warns (logins)", "keyring", map[string]string{"REGCRED_CACHE": "file"})
	keyringLogins.noBus = true
	keyringStatic := static("keyring store without a bus, static entry: the backend warns", "cache: {store: keyring}\n", nil)
	keyringStatic.noBus = true
	return []frontCase{
		tok("keyring store", "keyring", nil),
		tok("store none", "none", nil),
		answer(tok("REGCRED_CACHE=file over an auto store with a session bus", "auto",
			map[string]string{"REGCRED_CACHE": "file", "DBUS_SESSION_BUS_ADDRESS": deadBus})),
		keyringLogins,
		tok("REGCRED_CACHE=none over a file store", "file", map[string]string{"REGCRED_CACHE": "none"}),
		tok("REGCRED_CACHE=keyring over a file store", "file", map[string]string{"REGCRED_CACHE": "keyring"}),
		tok("REGCRED_CACHE invalid, token entry", "file", map[string]string{"REGCRED_CACHE": "bogus"}),
		tok("auto store with a session bus", "auto", map[string]string{"DBUS_SESSION_BUS_ADDRESS": deadBus}),
		autoNoBus, autolaunch, defaultStore, darwin, windows,
		// The backend opens its cache for every get, whatever matches: its
		// errors and warnings are its answer, not the front's.
		static("REGCRED_CACHE invalid, static entry: the backend fails", "", map[string]string{"REGCRED_CACHE": "bogus"}),
		{name: "REGCRED_CACHE invalid, unconfigured host: the backend fails", config: staticConfig,
			env: map[string]string{"REGCRED_CACHE": "bogus"}, stdin: "quay.io"},
		static("relative cache dir, static entry: the backend fails", "cache: {dir: rel/cache}\n", nil),
		static("no home for the cache, static entry: the backend warns", "", nil, "HOME"),
		keyringStatic, relNone, homeless, staticBus,
	}
}

// configCases: a stored login, a config warning or a config error is the
// backend's to handle or print.
func configCases() []frontCase {
	c := func(name, yaml string, perm os.FileMode) frontCase {
		return frontCase{name: name, config: yaml, perm: perm, stdin: "reg.example.com"}
	}
	inline := "registries:\n  - match: reg.example.com\n    static: {username: alice, password: inline-pw}\n"
	otherLogin := c("stored docker login for another registry", staticConfig, 0)
	otherLogin.login, otherLogin.handled, otherLogin.stdout = "other.example.com", true, aliceAnswer
	readable := c("config readable by others, no inline secret", staticConfig, 0o644)
	readable.handled, readable.stdout = true, aliceAnswer
	missing := c("REGCRED_CONFIG names a missing file", staticConfig, 0)
	missing.env = map[string]string{"REGCRED_CONFIG": "/nonexistent/regcred.yaml"}
	tokenLogin := frontCase{name: "stored docker login for a token registry", config: ecrConfig("file"), stdin: ecrHost,
		token: &token{age: time.Minute, lifetime: 12 * time.Hour}, login: ecrHost}
	return []frontCase{
		{name: "stored docker login for the registry", config: staticConfig, login: "reg.example.com", stdin: "reg.example.com"},
		tokenLogin, otherLogin, readable, missing,
		c("config writable by group", staticConfig, 0o660),
		c("config writable by others", staticConfig, 0o602),
		c("inline password, config readable by group", inline, 0o640),
		c("broken YAML", "registries: [\n", 0),
		c("unknown key", "registries:\n  - match: reg.example.com\n    statik: {username: a, password: b}\n", 0),
		c("entry with two kinds", "registries:\n  - match: reg.example.com\n    anonymous: {}\n    static: {username: a, passwordEnv: REG_PW}\n", 0),
	}
}
