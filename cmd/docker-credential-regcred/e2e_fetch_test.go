package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
