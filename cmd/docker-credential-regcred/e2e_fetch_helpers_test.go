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
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// The lean cold path: a route the engine recorded for an ECR token fetched
// with the environment's keys carries a recipe, and when the token is
// missing or due the front hands the get to regcred-fetch, which repeats
// the one ECR call without the engine. These tests run it with the engine
// unexecutable (install.withoutEngine), so an answer is the front's or the
// fetcher's; a fresh token the fake issued proves it was the fetcher's.

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
	keyset []string        // every AWS secret access key and session token in play
	tokens map[string]bool // every password answered
}

func newFetchWorld(t *testing.T, store string) *fetchWorld {
	t.Helper()
	cloud, keys, setup, dir := frontECRSetup(t, store)
	w := &fetchWorld{cloud: cloud, keys: keys, in: newInstall(t), env: pinnedEnv(t, setup...), dir: dir,
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

// withoutEngine is get with the engine unexecutable.
func (w *fetchWorld) withoutEngine(t *testing.T, env []string) runResult {
	t.Helper()
	res := w.in.withoutEngine(t, runOpts{Env: env, Stdin: ecrHost}, "get")
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

// checkNoLeaks: no AWS secret in any output, no token on stderr or in the
// stdout of a failed run, neither in a route.
func (w *fetchWorld) checkNoLeaks(t *testing.T) {
	t.Helper()
	tokens := make([]string, 0, len(w.tokens))
	for pw := range w.tokens {
		tokens = append(tokens, pw)
	}
	for i, res := range w.runs {
		if res.Exit == 0 {
			testkit.AssertNoSecret(t, "stdout of run "+strconv.Itoa(i), res.Stdout, w.keyset...)
		} else {
			testkit.AssertNoSecret(t, "stdout of failed run "+strconv.Itoa(i), res.Stdout, append(tokens, w.keyset...)...)
		}
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
	files := routeFiles(t, env)
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

// offLoopbackProxy is a plain-http URL to this machine, by an address
// that is not a loopback one, forwarding to target: a fetcher that
// followed it would get a token. "" is this machine's first address off
// loopback (the test is skipped where it has none); 0.0.0.0 reaches
// the loopback listener on Linux though it is no loopback address. The
// test fails if anything is sent to it.
func offLoopbackProxy(t *testing.T, target, ip string) string {
	t.Helper()
	listen, host := ip, ip
	switch ip {
	case "":
		listen = firstAddressOffLoopback(t)
		host = listen
	case "0.0.0.0":
		listen = "127.0.0.1"
	}
	l, err := net.Listen("tcp", net.JoinHostPort(listen, "0"))
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
		assert.Zero(t, sent.Load(), "requests sent in clear to %s", host)
	})
	return "http://" + net.JoinHostPort(host, strconv.Itoa(l.Addr().(*net.TCPAddr).Port)) + "/"
}

// firstAddressOffLoopback is this machine's first IPv4 address that is
// not a loopback one; the test is skipped where there is none (in the
// loopback-only network of `make test`).
func firstAddressOffLoopback(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	require.NoError(t, err)
	for _, a := range addrs {
		if p, ok := a.(*net.IPNet); ok && p.IP.To4() != nil && !p.IP.IsLoopback() {
			return p.IP.String()
		}
	}
	t.Skip("no address off loopback here")
	return ""
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
