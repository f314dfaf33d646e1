package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// What the lean fetcher must leave to the engine: anything it cannot
// repeat exactly (another identity source, changed files, a tampered
// route), and every failure, which the engine retries and reports as it
// does alone. With the engine unexecutable such a get fails with the
// hand-off error, and ECR counts the calls the fetcher made before.

// TestFetchMissingLeavesItToTheEngine: an install without the fetcher (an
// older one, or a partial copy) still answers a route with a recipe: the
// front hands the get to the engine. That the engine answered shows when
// it cannot run: then nothing answers, and the error names the engine.
func TestFetchMissingLeavesItToTheEngine(t *testing.T) {
	w := newFetchWorld(t, "none")
	w.record(t)
	require.NoError(t, os.Remove(w.in.fetcher))

	res := w.get(t, w.env)
	w.fresh(t, res, w.keys)
	assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls after the engine's second get")
	assert.Equal(t, 1, routeCount(t, w.env), "routes after the engine's second get")

	before := w.calls()
	w.in.checkHandedOff(t, w.withoutEngine(t, w.env))
	assert.Equal(t, before, w.calls(), "without the fetcher or the engine, ECR was asked")
}

// TestFetchRefusedIsTheEnginesToSay: ECR refusing the fetcher's call (the
// user's policy no longer allows it) with nothing valid cached is not the
// fetcher's to report: it hands the get to the engine, which asks again
// and answers as it does alone, the AccessDenied error (with the engine
// unexecutable nothing answers, after the fetcher's one call). With the
// cached token still valid, the fetcher serves it with the cache's
// warning, as the engine would, and ECR is not asked twice.
func TestFetchRefusedIsTheEnginesToSay(t *testing.T) {
	tests := []struct {
		name, store     string
		stored, expires time.Duration // the cached record's times, relative to now; none for store none
		exit            int
		stdout, stderr  string // what the answer and the engine's log hold ("" for stdout: the cached token)
		served          bool   // the fetcher serves the cached token itself
	}{
		{name: "store none", store: "none", exit: 1, stdout: "AWS denied ECR GetAuthorizationToken to the credentials from EnvConfigCredentials"},
		{name: "file store, expired", store: "file", stored: -13 * time.Hour, expires: -time.Hour,
			exit: 1, stdout: "AWS denied ECR GetAuthorizationToken to the credentials from EnvConfigCredentials"},
		{name: "file store, due a refresh", store: "file", stored: -7 * time.Hour, expires: 5 * time.Hour,
			stderr: "refreshing the credential failed", served: true},
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
			alone := w.withoutEngine(t, w.env)
			if tt.served {
				assert.Equal(t, cached, alone.Stdout, "refused, token still valid, no engine: want the cached token from the fetcher")
				assert.Contains(t, alone.Stderr, tt.stderr, "refused, token still valid: the fetcher's warning")
				assert.Contains(t, alone.Stderr, "AccessDeniedException", "the warning does not say what ECR answered")
			} else {
				w.in.checkHandedOff(t, alone)
			}
			assert.Equal(t, before+1, w.calls(), "GetAuthorizationToken calls of the fetcher refused, want its one")

			res := sameAnswer(t, w.in, w.env, ecrHost, "get")
			w.runs = append(w.runs, res)
			// The front's get: the fetcher's call, then the engine's unless
			// the fetcher served the cached token; then the engine's alone.
			want := before + 1 + 2 + 1
			if tt.served {
				want = before + 1 + 1 + 1
			}
			assert.Equal(t, want, w.calls(), "GetAuthorizationToken calls")
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
			return offLoopbackProxy(t, w.cloud.ECRURL(), "")
		}},
		{name: "plain http to 0.0.0.0", field: "fetchURL", value: func(t *testing.T, w *fetchWorld) string {
			return offLoopbackProxy(t, w.cloud.ECRURL(), "0.0.0.0")
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
			w.in.checkHandedOff(t, w.withoutEngine(t, w.env))
			assert.Equal(t, before+tt.calls, w.calls(), "GetAuthorizationToken calls of the fetcher")

			w.fresh(t, w.get(t, w.env), w.keys)
			assert.Equal(t, was, routeField(t, onlyRouteFile(t, w.env), tt.field), "the engine's get did not record the route again")
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
			w.in.checkHandedOff(t, w.withoutEngine(t, w.env))
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

	w.in.checkHandedOff(t, w.withoutEngine(t, w.env))
	assert.Equal(t, 1, w.calls(), "GetAuthorizationToken calls with the engine unexecutable")
	w.fresh(t, w.get(t, w.env), w.keys)
	res := w.withoutEngine(t, w.env)
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
			w.in.checkHandedOff(t, w.withoutEngine(t, w.env))
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

	w.in.checkHandedOff(t, w.withoutEngine(t, w.env))
	assert.Equal(t, 1, w.calls(), "GetAuthorizationToken calls with a record to warn about and no engine")
	res := w.get(t, w.env)
	renewed := w.fresh(t, res, w.keys)
	assert.Contains(t, res.Stderr, filepath.Base(record), "the engine's warning does not name the record")
	assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls after the engine's get")
	assert.Equal(t, renewed, w.answered(t, w.withoutEngine(t, w.env), w.keys), "the get after the engine's: want its token from the cache")
}

// TestFetchUnexecutableLeavesItToTheEngine: a fetcher that is there but
// cannot be run (its mode lost, a damaged install) is like a missing one:
// the front, still itself after the failed exec, hands the get to the
// engine, which answers.
func TestFetchUnexecutableLeavesItToTheEngine(t *testing.T) {
	w := newFetchWorld(t, "none")
	w.record(t)
	require.NoError(t, os.Chmod(w.in.fetcher, 0))

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

	w.in.checkHandedOff(t, w.withoutEngine(t, w.env))
	assert.Equal(t, 1, w.calls(), "GetAuthorizationToken calls with the engine unexecutable")
	res := w.get(t, w.env)
	w.fresh(t, res, w.keys)
	assert.Empty(t, res.Stderr, "the engine's get: stderr")
	assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls: the engine's two gets")
}
