package main

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// The lean cold path: a route the engine recorded for an ECR token fetched
// with the environment's keys carries a recipe, and when the token is
// missing or due the front hands the get to regcred-fetch, which repeats
// the one ECR call without the engine. These tests run it with the engine
// unexecutable (install.alone), so an answer is the front's or the
// fetcher's; a fresh token the fake issued proves it was the fetcher's.

// fetcherBinary is regcred-fetch, built next to the front.
func fetcherBinary(t *testing.T) string {
	return filepath.Join(filepath.Dir(testBinary(t)), "regcred-fetch")
}

// newFetchInstall is newInstall with the lean fetcher beside the engine.
// alone leaves the fetcher executable.
func newFetchInstall(t *testing.T) install {
	t.Helper()
	in := newInstall(t)
	in.fetch = filepath.Join(filepath.Dir(in.engine), "regcred-fetch")
	testkit.CopyFile(t, fetcherBinary(t), in.fetch, 0o755)
	return in
}

// fetchWorld is a user's keys in the environment, a fake ECR, a config
// whose one entry uses it with the given store, and an install with the
// fetcher. Every run through it is kept, and scanned for leaks when the
// test ends.
type fetchWorld struct {
	cloud  *ecrtest.Cloud
	keys   ecrtest.Keys // whose keys env holds
	in     install
	env    []string
	dir    string // the token cache's directory
	runs   []runResult
	keyset []string        // every AWS secret access key in play
	tokens map[string]bool // every password answered
}

func newFetchWorld(t *testing.T, store string) *fetchWorld {
	t.Helper()
	cloud, keys, setup, dir := frontECRSetup(t, store)
	w := &fetchWorld{cloud: cloud, keys: keys, in: newFetchInstall(t), env: pinnedEnv(t, setup...), dir: dir,
		keyset: []string{keys.SecretAccessKey}, tokens: map[string]bool{}}
	t.Cleanup(func() { w.checkNoLeaks(t) })
	return w
}

// get runs a get of ecrHost through the front, env as given.
func (w *fetchWorld) get(t *testing.T, env []string) runResult {
	t.Helper()
	res := runBinary(t, w.in.front, runOpts{Env: env, Stdin: ecrHost}, "get")
	w.runs = append(w.runs, res)
	return res
}

// alone is get with the engine unexecutable.
func (w *fetchWorld) alone(t *testing.T, env []string) runResult {
	t.Helper()
	res := w.in.alone(t, runOpts{Env: env, Stdin: ecrHost}, "get")
	w.runs = append(w.runs, res)
	return res
}

// answered checks res answered a token the fake issued to keys' principal
// in us-west-2, and returns its password.
func (w *fetchWorld) answered(t *testing.T, res runResult, keys ecrtest.Keys) string {
	t.Helper()
	checkECRAnswer(t, w.cloud, res, ecrHost, keys.ARN, "us-west-2", keys)
	var ans dockerAnswer
	require.NoError(t, json.Unmarshal([]byte(res.Stdout), &ans), "get %s: answer is not JSON: %q", ecrHost, res.Stdout)
	return ans.Secret
}

// fresh is answered for a token no run answered before.
func (w *fetchWorld) fresh(t *testing.T, res runResult, keys ecrtest.Keys) string {
	t.Helper()
	pw := w.answered(t, res, keys)
	require.False(t, w.tokens[pw], "the answer is a token answered before; want a new one from ECR")
	w.tokens[pw] = true
	return pw
}

// calls is the count of GetAuthorizationToken calls ECR received.
func (w *fetchWorld) calls() int { return w.cloud.Calls(ecrtest.ECR) }

// record runs the first get, the engine's, which asks ECR and records the
// route; it returns the route's file.
func (w *fetchWorld) record(t *testing.T) string {
	t.Helper()
	w.fresh(t, w.get(t, w.env), w.keys)
	require.Equal(t, 1, w.calls(), "GetAuthorizationToken calls after the first get")
	return onlyRouteFile(t, w.env)
}

// checkNoLeaks: no AWS secret access key in any output, no token on
// stderr, neither in a route.
func (w *fetchWorld) checkNoLeaks(t *testing.T) {
	t.Helper()
	tokens := make([]string, 0, len(w.tokens))
	for pw := range w.tokens {
		tokens = append(tokens, pw)
	}
	for i, res := range w.runs {
		testkit.AssertNoSecret(t, "stdout of run "+strconv.Itoa(i), res.Stdout, w.keyset...)
		testkit.AssertNoSecret(t, "stderr of run "+strconv.Itoa(i), res.Stderr, append(tokens, w.keyset...)...)
	}
	if routeCount(t, w.env) == 0 {
		return // nothing written under the cache home to scan
	}
	for _, s := range append(tokens, w.keyset...) {
		checkNoSecretInDir(t, w.env, s)
	}
}

// onlyRouteFile is the one route the runs in env recorded.
func onlyRouteFile(t *testing.T, env []string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(envValue(t, env, "XDG_CACHE_HOME"), "regcred", "routes", "*.route"))
	require.NoError(t, err)
	require.Len(t, files, 1, "routes recorded: %v, want one", files)
	return files[0]
}

// routeField is the value of a route file's field, "" when it has none.
func routeField(t *testing.T, path, name string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, l := range strings.Split(string(data), "\n") {
		if q, ok := strings.CutPrefix(l, name+" "); ok {
			v, err := strconv.Unquote(q)
			require.NoError(t, err, "route %s: field %s is not quoted: %s", path, name, l)
			return v
		}
	}
	return ""
}

// setRouteField rewrites a field the route file holds, leaving the rest.
func setRouteField(t *testing.T, path, name, value string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(string(data), "\n")
	found := false
	for i, l := range lines {
		if strings.HasPrefix(l, name+" ") {
			lines[i], found = name+" "+strconv.Quote(value), true
		}
	}
	require.True(t, found, "route %s has no field %s; its format changed:\n%s", path, name, data)
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600))
}

// TestFetchRenewsStoreNoneAlone: with nothing kept (store none), the
// engine's first get records a route with a recipe, and each get after it
// is the fetcher's: a new token from ECR for the same principal, one call
// each, nothing on stderr, the engine unexecutable.
func TestFetchRenewsStoreNoneAlone(t *testing.T) {
	w := newFetchWorld(t, "none")
	rt := w.record(t)
	assert.Equal(t, "ecr", routeField(t, rt, "fetchKind"), "the route of a token fetched with the environment's keys holds no recipe")
	assert.Equal(t, w.cloud.ECRURL(), strings.TrimSuffix(routeField(t, rt, "fetchURL"), "/"), "the recipe's URL is not the configured endpoint")
	for i := range 2 {
		before := w.calls()
		res := w.alone(t, w.env)
		w.fresh(t, res, w.keys)
		assert.Empty(t, res.Stderr, "get %d by the fetcher: stderr", i+2)
		assert.Equal(t, before+1, w.calls(), "get %d by the fetcher: GetAuthorizationToken calls", i+2)
	}
}

// onlyTokenRecord is the one token record under the cache dir, of
// whichever store holds it (.json: file, .sealed: sealed).
func onlyTokenRecord(t *testing.T, dir string) string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"*.json", "*.sealed"} {
		found, err := filepath.Glob(filepath.Join(dir, "tokens", pattern))
		require.NoError(t, err)
		files = append(files, found...)
	}
	require.Len(t, files, 1, "token records in %s: %v, want one", dir, files)
	return files[0]
}

// TestFetchRenewsCachedTokenAlone: a cached token due a refresh, expired
// or gone is renewed by the fetcher alone (a new token, one call, stored
// where the engine stores it, bound to the registry), and the get after
// it is the front's from the cache, with no call.
func TestFetchRenewsCachedTokenAlone(t *testing.T) {
	age := func(stored, expires time.Duration) func(t *testing.T, record string) {
		return func(t *testing.T, record string) {
			now := time.Now()
			rewriteRecord(t, record, now.Add(stored), now.Add(expires))
		}
	}
	gone := func(t *testing.T, record string) { require.NoError(t, os.Remove(record)) }
	tests := []struct {
		name, store string
		ext         string // the record's, "" for either: auto seals where the kernel can
		makeDue     func(t *testing.T, record string)
	}{
		{name: "file store, due a refresh", store: "file", ext: ".json", makeDue: age(-7*time.Hour, 5*time.Hour)},
		{name: "file store, in the last minutes", store: "file", ext: ".json", makeDue: age(-time.Hour, 4*time.Minute)},
		{name: "file store, expired", store: "file", ext: ".json", makeDue: age(-13*time.Hour, -time.Hour)},
		{name: "file store, record gone", store: "file", ext: ".json", makeDue: gone},
		{name: "auto without a session bus, record gone", store: "auto", makeDue: gone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := os.Stat(filepath.Join("/run/user", strconv.Itoa(os.Getuid()), "bus")); err == nil && tt.store == "auto" {
				t.Skip("this machine has a session bus in /run/user: auto would use the Secret Service")
			}
			w := newFetchWorld(t, tt.store)
			w.record(t)
			record := onlyTokenRecord(t, w.dir)
			if tt.ext != "" {
				require.Equal(t, tt.ext, filepath.Ext(record), "the engine stored the token in %s", record)
			}
			tt.makeDue(t, record)

			res := w.alone(t, w.env)
			renewed := w.fresh(t, res, w.keys)
			assert.Empty(t, res.Stderr, "the fetcher's get: stderr")
			assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls after the fetcher's get")
			assert.Equal(t, record, onlyTokenRecord(t, w.dir), "the fetcher stored the token elsewhere than the engine")

			warm := w.alone(t, w.env)
			assert.Equal(t, renewed, w.answered(t, warm, w.keys), "the get after the fetcher's: want its token from the cache")
			assert.Empty(t, warm.Stderr, "the get after the fetcher's: stderr")
			assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls after a warm get")

			store, expires := w.listed(t, record)
			assert.Equal(t, map[string]string{".json": "file", ".sealed": "sealed"}[filepath.Ext(record)], store, "cache list: the record's store")
			g, _ := w.cloud.Lookup(renewed)
			assert.Equal(t, g.ExpiresAt.UTC().Format(time.RFC3339), expires, "cache list: the record's expiry is not the renewed token's")
		})
	}
}

// listed is what `regcred-engine cache list` says of record: its store and
// expiry, from the line naming the record's key, which must name ecrHost.
func (w *fetchWorld) listed(t *testing.T, record string) (store, expires string) {
	t.Helper()
	list := runBinary(t, w.in.engine, runOpts{Env: w.env}, "cache", "list")
	w.runs = append(w.runs, list)
	require.Equal(t, 0, list.Exit, "cache list: %s %s", list.Stdout, list.Stderr)
	key := strings.TrimSuffix(filepath.Base(record), filepath.Ext(record))
	for _, l := range strings.Split(list.Stdout, "\n") {
		f := strings.Fields(l)
		if len(f) >= 4 && strings.HasPrefix(key, f[0]) {
			assert.Equal(t, ecrHost, f[1], "cache list binds the record to another registry:\n%s", list.Stdout)
			return f[len(f)-2], f[len(f)-1]
		}
	}
	require.Fail(t, "cache list does not list the record", "record %s:\n%s", record, list.Stdout)
	return "", ""
}

// TestFetchMissingLeavesItToTheEngine: an install without the fetcher (an
// older one, or a partial copy) still answers a route with a recipe: the
// front hands the get to the engine. That the engine answered shows when
// it cannot run: then nothing answers, and the error names the engine.
func TestFetchMissingLeavesItToTheEngine(t *testing.T) {
	w := newFetchWorld(t, "none")
	w.record(t)
	require.NoError(t, os.Remove(w.in.fetch))

	res := w.get(t, w.env)
	w.fresh(t, res, w.keys)
	assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls after the engine's second get")
	assert.Equal(t, 1, routeCount(t, w.env), "routes after the engine's second get")

	before := w.calls()
	w.in.checkHandedOff(t, w.alone(t, w.env))
	assert.Equal(t, before, w.calls(), "without the fetcher or the engine, ECR was asked")
}

// TestFetchRefusedIsTheEnginesToSay: ECR refusing the fetcher's call (the
// user's policy no longer allows it) is not the fetcher's to report: it
// hands the get to the engine, which asks again and answers as it does
// alone: the AccessDenied error, or the cached token still valid with its
// warning. With the engine unexecutable nothing answers, after the
// fetcher's one call.
func TestFetchRefusedIsTheEnginesToSay(t *testing.T) {
	tests := []struct {
		name, store     string
		stored, expires time.Duration // the cached record's times, relative to now; none for store none
		exit            int
		stdout, stderr  string // what the answer and the engine's log hold ("" for stdout: the cached token)
	}{
		{name: "store none", store: "none", exit: 1, stdout: "AWS denied ECR GetAuthorizationToken to the credentials from EnvConfigCredentials"},
		{name: "file store, expired", store: "file", stored: -13 * time.Hour, expires: -time.Hour,
			exit: 1, stdout: "AWS denied ECR GetAuthorizationToken to the credentials from EnvConfigCredentials"},
		{name: "file store, due a refresh", store: "file", stored: -7 * time.Hour, expires: 5 * time.Hour,
			stderr: "refreshing the credential failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newFetchWorld(t, tt.store)
			w.record(t)
			cached := w.runs[0].Stdout
			if tt.store != "none" {
				now := time.Now()
				rewriteRecord(t, onlyTokenRecord(t, w.dir), now.Add(tt.stored), now.Add(tt.expires))
			}
			w.cloud.Deny(w.keys.ARN, "ecr:GetAuthorizationToken")

			before := w.calls()
			w.in.checkHandedOff(t, w.alone(t, w.env))
			assert.Equal(t, before+1, w.calls(), "GetAuthorizationToken calls of the fetcher refused, want its one")

			res := sameAnswer(t, w.in, w.env, ecrHost, "get")
			w.runs = append(w.runs, res)
			// The front's get: the fetcher's call and the engine's; then the
			// engine's alone.
			assert.Equal(t, before+1+2+1, w.calls(), "GetAuthorizationToken calls: the engine did not ask again after the fetcher")
			require.Equal(t, tt.exit, res.Exit, "get refused: exit %d %q, stderr %q", res.Exit, res.Stdout, res.Stderr)
			if tt.stdout != "" {
				assert.Contains(t, res.Stdout, tt.stdout, "get refused: not the engine's AccessDenied error")
			} else {
				assert.Equal(t, cached, res.Stdout, "get refused, token still valid: want the cached token")
			}
			if tt.stderr == "" {
				assert.Empty(t, res.Stderr, "get refused: stderr")
			} else {
				assert.Contains(t, res.Stderr, tt.stderr, "get refused: the engine's warning")
			}
		})
	}
}

// TestFetchRefusesTamperedRoute: a route file edited to send the fetcher
// elsewhere (in clear off this machine, another kind of call) is not
// followed, and one that gets a token for another registry (its proxy or
// signing region changed) is not answered: with the engine unexecutable
// the get fails; with it, the engine answers and records the route again.
func TestFetchRefusesTamperedRoute(t *testing.T) {
	fixed := func(v string) func(*testing.T, *fetchWorld) string {
		return func(*testing.T, *fetchWorld) string { return v }
	}
	tests := []struct {
		name, field string
		value       func(t *testing.T, w *fetchWorld) string
		calls       int // the fetcher's
	}{
		{name: "plain http off loopback", field: "fetchURL", value: func(t *testing.T, w *fetchWorld) string {
			return offLoopbackProxy(t, w.cloud.ECRURL())
		}},
		{name: "plain http to a name off loopback", field: "fetchURL", value: fixed("http://example.invalid/")},
		{name: "a user in the URL", field: "fetchURL", value: func(_ *testing.T, w *fetchWorld) string {
			return strings.Replace(w.cloud.ECRURL(), "http://", "http://alice@", 1)
		}},
		{name: "another kind of call", field: "fetchKind", value: fixed("gcr")},
		{name: "another registry's proxy endpoint", field: "fetchProxy", value: fixed("https://999999999999.dkr.ecr.us-west-2.amazonaws.com"), calls: 1},
		{name: "another signing region", field: "fetchRegion", value: fixed("eu-west-1"), calls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newFetchWorld(t, "none")
			rt := w.record(t)
			was := routeField(t, rt, tt.field)
			setRouteField(t, rt, tt.field, tt.value(t, w))

			before := w.calls()
			w.in.checkHandedOff(t, w.alone(t, w.env))
			assert.Equal(t, before+tt.calls, w.calls(), "GetAuthorizationToken calls of the fetcher")

			w.fresh(t, w.get(t, w.env), w.keys)
			assert.Equal(t, was, routeField(t, onlyRouteFile(t, w.env), tt.field), "the engine's get did not record the route again")
		})
	}
}

// offLoopbackProxy is a plain-http URL on this machine's first address
// off loopback that forwards to target: a fetcher that followed it would
// get a token. The test fails if anything is sent to it; it is skipped
// where the machine has no such address.
func offLoopbackProxy(t *testing.T, target string) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	require.NoError(t, err)
	ip := ""
	for _, a := range addrs {
		if p, ok := a.(*net.IPNet); ok && p.IP.To4() != nil && !p.IP.IsLoopback() {
			ip = p.IP.String()
			break
		}
	}
	if ip == "" {
		t.Skip("no address off loopback here")
	}
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	require.NoError(t, err)
	to, err := url.Parse(target)
	require.NoError(t, err)
	var sent atomic.Int32
	proxy := httputil.NewSingleHostReverseProxy(to)
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		sent.Add(1)
		proxy.ServeHTTP(rw, r)
	})}}
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		assert.Zero(t, sent.Load(), "requests sent in clear to %s", srv.URL)
	})
	return srv.URL + "/"
}

// TestFetchFollowsTheKeysInTheEnvironment: the route key covers the
// environment, so another user's keys find no route (the engine answers,
// for that user, and records one of their own), and the first user's
// keys never sign for the second.
func TestFetchFollowsTheKeysInTheEnvironment(t *testing.T) {
	for _, store := range []string{"none", "file"} {
		t.Run("store "+store, func(t *testing.T) {
			w := newFetchWorld(t, store)
			w.record(t)
			first := w.answered(t, w.runs[0], w.keys)
			other := w.cloud.NewUser("other")
			w.keyset = append(w.keyset, other.SecretAccessKey)
			env := append(append([]string(nil), w.env...), "AWS_ACCESS_KEY_ID="+other.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+other.SecretAccessKey)
			signed := w.cloud.SignedWith(w.keys.AccessKeyID)

			before := w.calls()
			w.in.checkHandedOff(t, w.alone(t, env))
			assert.Equal(t, before, w.calls(), "GetAuthorizationToken calls with another user's keys and no engine")
			theirs := w.fresh(t, w.get(t, env), other)
			assert.Equal(t, 2, routeCount(t, w.env), "routes: one per user")
			warm := w.answered // from the cache
			if store == "none" {
				warm = w.fresh // by the fetcher
			}
			again := warm(t, w.alone(t, env), other)
			mine := warm(t, w.alone(t, w.env), w.keys)
			if store == "file" {
				assert.Equal(t, theirs, again, "the second user's warm get: want their cached token")
				assert.Equal(t, first, mine, "the first user's warm get: want their cached token")
			}
			assert.Equal(t, signed+map[string]int{"none": 1, "file": 0}[store], w.cloud.SignedWith(w.keys.AccessKeyID),
				"requests signed with the first user's key: only theirs")
		})
	}
}

// TestFetchLeavesProfilesToTheEngine: keys read from a profile
// (~/.aws/credentials, none in the environment) give no recipe: with the
// file store the route answers warm gets but a due token is the engine's
// (with it unexecutable the get fails, ECR not asked); with store none
// no route is recorded at all.
func TestFetchLeavesProfilesToTheEngine(t *testing.T) {
	for _, store := range []string{"file", "none"} {
		t.Run("store "+store, func(t *testing.T) {
			w := newFetchWorld(t, store)
			home := envValue(t, w.env, "HOME")
			require.NoError(t, os.MkdirAll(filepath.Join(home, ".aws"), 0o700))
			require.NoError(t, os.WriteFile(filepath.Join(home, ".aws", "credentials"),
				[]byte("[default]\naws_access_key_id = "+w.keys.AccessKeyID+"\naws_secret_access_key = "+w.keys.SecretAccessKey+"\n"), 0o600))
			w.env = withoutVar(withoutVar(w.env, "AWS_ACCESS_KEY_ID"), "AWS_SECRET_ACCESS_KEY")

			w.fresh(t, w.get(t, w.env), w.keys)
			if store == "none" {
				assert.Zero(t, routeCount(t, w.env), "store none, keys from a profile: routes recorded")
			} else {
				rt := onlyRouteFile(t, w.env)
				assert.Empty(t, routeField(t, rt, "fetchKind"), "the route of a token fetched with a profile's keys holds a recipe")
				now := time.Now()
				rewriteRecord(t, onlyTokenRecord(t, w.dir), now.Add(-7*time.Hour), now.Add(5*time.Hour))
			}
			w.in.checkHandedOff(t, w.alone(t, w.env))
			assert.Equal(t, 1, w.calls(), "GetAuthorizationToken calls with the engine unexecutable")
			w.fresh(t, w.get(t, w.env), w.keys)
		})
	}
}

// TestFetchLeavesChangedAWSFilesToTheEngine: an AWS config file written
// since the route was recorded (one the SDK reads even with keys in the
// environment: a region, an endpoint) may change the engine's call, so the
// route no longer holds: the engine answers and records it again, and the
// fetcher follows the new one.
func TestFetchLeavesChangedAWSFilesToTheEngine(t *testing.T) {
	w := newFetchWorld(t, "none")
	w.record(t)
	home := envValue(t, w.env, "HOME")
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".aws"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(home, ".aws", "config"), []byte("[default]\nregion = eu-west-1\n"), 0o600))

	w.in.checkHandedOff(t, w.alone(t, w.env))
	assert.Equal(t, 1, w.calls(), "GetAuthorizationToken calls with the engine unexecutable")
	w.fresh(t, w.get(t, w.env), w.keys)
	res := w.alone(t, w.env)
	w.fresh(t, res, w.keys)
	assert.Empty(t, res.Stderr, "the fetcher's get on the route recorded again: stderr")
	assert.Equal(t, 3, w.calls(), "GetAuthorizationToken calls: the engine's two, the fetcher's one")
}

// TestFetchOutageIsTheEnginesToRetry: ECR failing the fetcher's one
// attempt (a server error, throttling, no answer within the fetcher's
// bound) is left to the engine, which retries and answers; with the
// engine unexecutable nothing answers, after that one attempt.
func TestFetchOutageIsTheEnginesToRetry(t *testing.T) {
	tests := []struct {
		name  string
		fault ecrtest.Fault
	}{
		{name: "server error", fault: ecrtest.ServerError},
		{name: "throttled", fault: ecrtest.Throttle},
		{name: "no answer", fault: ecrtest.Slow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newFetchWorld(t, "none")
			w.record(t)

			w.cloud.FailNext(ecrtest.ECR, tt.fault, 1)
			w.in.checkHandedOff(t, w.alone(t, w.env))
			assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls: the fetcher's one attempt")

			w.cloud.FailNext(ecrtest.ECR, tt.fault, 1)
			start := time.Now()
			res := w.get(t, w.env)
			t.Logf("the get through the fetcher and the engine took %s", time.Since(start).Round(time.Millisecond))
			w.fresh(t, res, w.keys)
			assert.Empty(t, res.Stderr, "the engine's answer after a retry: stderr")
			assert.Equal(t, 4, w.calls(), "GetAuthorizationToken calls: the fetcher's attempt, then the engine's")
		})
	}
}

// TestFetchLeavesWarningsToTheEngine: a cached record the cache will not
// trust (readable by others) is warned about, which only the engine does:
// the fetcher asks nothing and hands the get over; the engine warns,
// fetches and stores a record the front then answers from.
func TestFetchLeavesWarningsToTheEngine(t *testing.T) {
	w := newFetchWorld(t, "file")
	w.record(t)
	record := onlyTokenRecord(t, w.dir)
	require.NoError(t, os.Chmod(record, 0o644))

	w.in.checkHandedOff(t, w.alone(t, w.env))
	assert.Equal(t, 1, w.calls(), "GetAuthorizationToken calls with a record to warn about and no engine")
	res := w.get(t, w.env)
	renewed := w.fresh(t, res, w.keys)
	assert.Contains(t, res.Stderr, filepath.Base(record), "the engine's warning does not name the record")
	assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls after the engine's get")
	assert.Equal(t, renewed, w.answered(t, w.alone(t, w.env), w.keys), "the get after the engine's: want its token from the cache")
}

// TestFetchConcurrentRenewalsMakeOneCall: many gets finding the cached
// token due at once (a node starting pods) renew it through the cache's
// lock: one ECR call, one token for all, the engine unexecutable.
func TestFetchConcurrentRenewalsMakeOneCall(t *testing.T) {
	w := newFetchWorld(t, "file")
	w.record(t)
	now := time.Now()
	rewriteRecord(t, onlyTokenRecord(t, w.dir), now.Add(-7*time.Hour), now.Add(5*time.Hour))

	require.NoError(t, os.Chmod(w.in.engine, 0))
	defer func() { require.NoError(t, os.Chmod(w.in.engine, 0o755)) }()
	const n = 16
	results := make([]runResult, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { results[i] = runBinary(t, w.in.front, runOpts{Env: w.env, Stdin: ecrHost}, "get") })
	}
	wg.Wait()
	w.runs = append(w.runs, results...)
	renewed := w.fresh(t, results[0], w.keys)
	for i, res := range results {
		assert.Equal(t, renewed, w.answered(t, res, w.keys), "get %d answered another token", i)
		assert.Empty(t, res.Stderr, "get %d: stderr", i)
	}
	assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls of %d concurrent renewals, with the first get's", n)
}

// TestFetchSignsWithTheSessionToken: temporary keys in the environment (a
// role's session, as CI runners and containers export them) are the
// environment's keys too: the fetcher signs with the session token, and
// the token it answers is the session's.
func TestFetchSignsWithTheSessionToken(t *testing.T) {
	w := newFetchWorld(t, "none")
	role := w.cloud.NewRole("ci-runner", ecrtest.Trust{})
	session := sessionKeys(t, w.cloud, role)
	w.keyset = append(w.keyset, session.SecretAccessKey, session.SessionToken)
	w.env = append(withoutVar(withoutVar(w.env, "AWS_ACCESS_KEY_ID"), "AWS_SECRET_ACCESS_KEY"),
		"AWS_ACCESS_KEY_ID="+session.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+session.SecretAccessKey, "AWS_SESSION_TOKEN="+session.SessionToken)

	w.fresh(t, w.get(t, w.env), session)
	assert.Equal(t, "ecr", routeField(t, onlyRouteFile(t, w.env), "fetchKind"), "the route of a token fetched with a session's keys holds no recipe")
	res := w.alone(t, w.env)
	w.fresh(t, res, session)
	assert.Empty(t, res.Stderr, "the fetcher's get: stderr")
	assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls")
	assert.Zero(t, w.cloud.SignedWith(w.keys.AccessKeyID), "requests signed with the user's keys, which the environment no longer holds")
}

// sessionKeys are temporary keys of a session of role, as the fake's
// container credentials endpoint hands them out; ARN is the session's.
func sessionKeys(t *testing.T, cloud *ecrtest.Cloud, role string) ecrtest.Keys {
	t.Helper()
	endpoint, token := cloud.PodIdentity(role)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, endpoint, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "container credentials: %v", cloud.Rejections())
	var creds struct{ AccessKeyId, SecretAccessKey, Token string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&creds))
	parts := strings.Split(role, ":role/")
	require.Len(t, parts, 2, "not a role ARN: %s", role)
	return ecrtest.Keys{AccessKeyID: creds.AccessKeyId, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.Token,
		ARN: strings.Replace(parts[0], ":iam:", ":sts:", 1) + ":assumed-role/" + parts[1] + "/eks-pod-identity"}
}

// TestFetchUnexecutableLeavesItToTheEngine: a fetcher that is there but
// cannot be run (its mode lost, a damaged install) is like a missing one:
// the front, still itself after the failed exec, hands the get to the
// engine, which answers.
func TestFetchUnexecutableLeavesItToTheEngine(t *testing.T) {
	t.Skip("BUG: credhelper/front/main.go MainWith falls back to the engine only when regcred-fetch is missing (fs.ErrNotExist); " +
		"an unexecutable one fails the get with \"running the engine …/regcred-fetch: permission denied\" though the engine could answer")
	w := newFetchWorld(t, "none")
	w.record(t)
	require.NoError(t, os.Chmod(w.in.fetch, 0))

	res := w.get(t, w.env)
	w.fresh(t, res, w.keys)
	assert.Empty(t, res.Stderr, "the engine's get: stderr")
	assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls: the engine's two gets")
}

// TestFetchLeavesLegacyKeyNamesToTheEngine: keys under the SDK's legacy
// names (AWS_ACCESS_KEY, AWS_SECRET_KEY) are not the fetcher's to sign
// with: it asks nothing and hands the get to the engine, which answers.
func TestFetchLeavesLegacyKeyNamesToTheEngine(t *testing.T) {
	w := newFetchWorld(t, "none")
	w.env = append(withoutVar(withoutVar(w.env, "AWS_ACCESS_KEY_ID"), "AWS_SECRET_ACCESS_KEY"),
		"AWS_ACCESS_KEY="+w.keys.AccessKeyID, "AWS_SECRET_KEY="+w.keys.SecretAccessKey)
	w.fresh(t, w.get(t, w.env), w.keys)

	w.in.checkHandedOff(t, w.alone(t, w.env))
	assert.Equal(t, 1, w.calls(), "GetAuthorizationToken calls with the engine unexecutable")
	res := w.get(t, w.env)
	w.fresh(t, res, w.keys)
	assert.Empty(t, res.Stderr, "the engine's get: stderr")
	assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls: the engine's two gets")
}
