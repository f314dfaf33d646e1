package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

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
		res := w.withoutEngine(t, w.env)
		w.fresh(t, res, w.keys)
		assert.Empty(t, res.Stderr, "get %d by the fetcher: stderr", i+2)
		assert.Equal(t, before+1, w.calls(), "get %d by the fetcher: GetAuthorizationToken calls", i+2)
	}
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

			res := w.withoutEngine(t, w.env)
			renewed := w.fresh(t, res, w.keys)
			assert.Empty(t, res.Stderr, "the fetcher's get: stderr")
			assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls after the fetcher's get")
			assert.Equal(t, record, onlyTokenRecord(t, w.dir), "the fetcher stored the token elsewhere than the engine")

			warm := w.withoutEngine(t, w.env)
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
	res := w.withoutEngine(t, w.env)
	w.fresh(t, res, session)
	assert.Empty(t, res.Stderr, "the fetcher's get: stderr")
	assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls")
	assert.Zero(t, w.cloud.SignedWith(w.keys.AccessKeyID), "requests signed with the user's keys, which the environment no longer holds")
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
			w.in.checkHandedOff(t, w.withoutEngine(t, env))
			assert.Equal(t, before, w.calls(), "GetAuthorizationToken calls with another user's keys and no engine")
			theirs := w.fresh(t, w.get(t, env), other)
			assert.Equal(t, 2, routeCount(t, w.env), "routes: one per user")
			warm := w.answered // from the cache
			if store == "none" {
				warm = w.fresh // by the fetcher
			}
			again := warm(t, w.withoutEngine(t, env), other)
			mine := warm(t, w.withoutEngine(t, w.env), w.keys)
			if store == "file" {
				assert.Equal(t, theirs, again, "the second user's warm get: want their cached token")
				assert.Equal(t, first, mine, "the first user's warm get: want their cached token")
			}
			assert.Equal(t, signed+map[string]int{"none": 1, "file": 0}[store], w.cloud.SignedWith(w.keys.AccessKeyID),
				"requests signed with the first user's key: only theirs")
		})
	}
}
