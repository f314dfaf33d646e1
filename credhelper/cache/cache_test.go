package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/syncbuf"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

// backend counts calls and answers from a script of results.
type backend struct {
	calls atomic.Int64
	mu    sync.Mutex
	next  []func() (providers.Credential, error)
}

func (b *backend) then(cred providers.Credential, err error) *backend {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.next = append(b.next, func() (providers.Credential, error) { return cred, err })
	return b
}

func (b *backend) fetch(context.Context) (providers.Credential, error) {
	b.calls.Add(1)
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.next) == 0 {
		return providers.Credential{}, errors.New("backend called more often than the test expects")
	}
	f := b.next[0]
	b.next = b.next[1:]
	return f()
}

type harness struct {
	c    *Cache
	clk  *testkit.Clock
	logs *syncbuf.Buffer
	dir  string
}

func newHarness(t *testing.T, opts Options) harness {
	t.Helper()
	log, logs := testkit.DebugLogger()
	clk := testkit.NewClock(t0)
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	opts.Now, opts.Logger = clk.Now, log
	c, err := Open(opts)
	require.NoError(t, err)
	t.Cleanup(func() { testkit.AssertNoSecret(t, "log", logs.String(), testSecret) })
	return harness{c: c, clk: clk, logs: logs, dir: opts.Dir}
}

const itemRegistry = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"

func testItem() Item {
	return Item{Key: Key("test", "item"), Registry: itemRegistry, Source: "ecr-prod"}
}

func (h harness) get(t *testing.T, b *backend) (providers.Credential, Outcome, error) {
	t.Helper()
	return h.c.Credential(context.Background(), testItem(), b.fetch)
}

func TestCredentialColdThenWarm(t *testing.T) {
	for _, sc := range storeCases() {
		t.Run(sc.name, func(t *testing.T) {
			h := newHarness(t, sc.opts)
			b := (&backend{}).then(token(h.clk.Now()), nil)
			cred, out, err := h.get(t, b)
			require.NoError(t, err, "cold")
			require.Equal(t, Fetched, out, "cold")
			require.Equal(t, providers.Secret(testSecret), cred.Secret, "cold")
			h.clk.Advance(time.Hour)
			cred, out, err = h.get(t, b)
			require.NoError(t, err, "warm")
			require.Equal(t, Hit, out, "warm")
			require.Equal(t, providers.Secret(testSecret), cred.Secret, "warm")
			require.Equal(t, "AWS", cred.Username, "warm")
			require.True(t, cred.ExpiresAt.Equal(t0.Add(12*time.Hour)), "warm expiry = %v, want %v", cred.ExpiresAt, t0.Add(12*time.Hour))
			assert.EqualValues(t, 1, b.calls.Load(), "backend calls")
		})
	}
}

func TestCredentialRefresh(t *testing.T) {
	h := newHarness(t, Options{Kind: KindFile})
	b := (&backend{}).then(token(t0), nil).then(token(t0.Add(6*time.Hour)), nil)
	h.get(t, b)
	h.clk.Advance(6 * time.Hour) // half of 12h
	cred, out, err := h.get(t, b)
	require.NoError(t, err, "at half life; want a refreshed token")
	require.Equal(t, Fetched, out, "at half life; want a refreshed token")
	require.True(t, cred.ExpiresAt.Equal(t0.Add(18*time.Hour)), "at half life, expiry %v; want a refreshed token", cred.ExpiresAt)
	_, out, _ = h.get(t, b)
	assert.Equal(t, Hit, out, "after the refresh, want a hit on the new token")
}

func TestCredentialRefreshFailureServesTheValidToken(t *testing.T) {
	h := newHarness(t, Options{Kind: KindFile})
	down := fmt.Errorf("%w: ECR answered 503", providers.ErrUnavailable)
	b := (&backend{}).then(token(t0), nil).then(providers.Credential{}, down).then(providers.Credential{}, down)
	h.get(t, b)
	h.clk.Advance(11 * time.Hour) // 1h left: due a refresh, still valid
	cred, out, err := h.get(t, b)
	require.NoError(t, err, "refresh failing; want the cached token, stale")
	require.Equal(t, Stale, out, "refresh failing; want the cached token, stale")
	require.Equal(t, providers.Secret(testSecret), cred.Secret, "refresh failing; want the cached token, stale")
	assert.Contains(t, h.logs.String(), "refreshing the credential failed", "no warning naming the failure")
	assert.Contains(t, h.logs.String(), "ECR answered 503", "no warning naming the failure")
	h.clk.Advance(time.Hour) // now expired
	_, _, err = h.get(t, b)
	assert.ErrorIs(t, err, providers.ErrUnavailable, "refresh failing after expiry, want the backend's error")
	assert.EqualValues(t, 3, b.calls.Load(), "backend calls")
}

func TestFailuresAreNotCached(t *testing.T) {
	h := newHarness(t, Options{Kind: KindFile})
	denied := fmt.Errorf("%w: no pull permission", providers.ErrDenied)
	b := (&backend{}).then(providers.Credential{}, denied).then(token(t0), nil)
	_, _, err := h.get(t, b)
	require.ErrorIs(t, err, providers.ErrDenied, "first call, want the denial")
	infos, _ := h.c.List(context.Background())
	assert.Empty(t, infos, "a failure left a cache entry")
	_, out, err := h.get(t, b)
	assert.NoError(t, err, "second call; want the backend asked again")
	assert.Equal(t, Fetched, out, "second call; want the backend asked again")
}

func TestLongLivedSecretsUseTheTTL(t *testing.T) {
	static := providers.Credential{Username: "robot", Secret: testSecret}
	t.Run("ttl 5m", func(t *testing.T) {
		h := newHarness(t, Options{Kind: KindFile, TTL: 5 * time.Minute})
		b := (&backend{}).then(static, nil).then(static, nil)
		h.get(t, b)
		h.clk.Advance(5*time.Minute - time.Second)
		cred, out, err := h.get(t, b)
		require.NoError(t, err, "within the TTL; want a hit with no expiry")
		require.Equal(t, Hit, out, "within the TTL; want a hit with no expiry")
		require.True(t, cred.ExpiresAt.IsZero(), "within the TTL, expiry %v; want a hit with no expiry", cred.ExpiresAt)
		infos, _ := h.c.List(context.Background())
		if assert.Len(t, infos, 1, "List") {
			assert.True(t, infos[0].LongLived, "List = %+v", infos)
			assert.True(t, infos[0].ExpiresAt.Equal(t0.Add(5*time.Minute)), "List = %+v", infos)
		}
		h.clk.Advance(time.Second)
		_, out, _ = h.get(t, b)
		assert.Equal(t, Fetched, out, "at the TTL")
	})
	t.Run("ttl 0 disables", func(t *testing.T) {
		h := newHarness(t, Options{Kind: KindFile})
		b := (&backend{}).then(static, nil).then(static, nil)
		h.get(t, b)
		_, out, _ := h.get(t, b)
		assert.Equal(t, Fetched, out, "second call")
	})
}

func TestUncacheableCredentials(t *testing.T) {
	tests := []struct {
		name string
		cred providers.Credential
	}{
		{name: "anonymous", cred: providers.Credential{Anonymous: true}},
		{name: "empty", cred: providers.Credential{ExpiresAt: t0.Add(time.Hour)}},
		{name: "already expired", cred: providers.Credential{Username: "u", Secret: testSecret, ExpiresAt: t0.Add(-time.Second)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Options{Kind: KindFile, TTL: time.Hour})
			b := (&backend{}).then(tt.cred, nil).then(tt.cred, nil)
			h.get(t, b)
			_, out, _ := h.get(t, b)
			assert.Equal(t, Fetched, out, "second call")
		})
	}
}

func TestNoneStoreCachesNothing(t *testing.T) {
	dir := t.TempDir() + "/never-created"
	h := newHarness(t, Options{Kind: KindNone, Dir: dir, TTL: time.Hour})
	b := (&backend{}).then(token(t0), nil).then(token(t0), nil)
	h.get(t, b)
	_, out, _ := h.get(t, b)
	assert.Equal(t, Fetched, out, "second call")
	_, err := os.Stat(dir)
	assert.True(t, os.IsNotExist(err), "the none store touched %s: %v", dir, err)
}

func TestCredentialRejectsNonKeys(t *testing.T) {
	h := newHarness(t, Options{Kind: KindFile})
	b := &backend{}
	_, _, err := h.c.Credential(context.Background(), Item{Key: testSecret, Registry: "r"}, b.fetch)
	assert.ErrorIs(t, err, providers.ErrInvalid)
	testkit.AssertNoSecret(t, "error", fmt.Sprint(err), testSecret)
	assert.Zero(t, b.calls.Load(), "backend called with a bad key")
}

func TestCredentialWhenTheLockIsHeld(t *testing.T) {
	dir := t.TempDir()
	unlock, err := NewLocker(mustRoot(t, dir), time.Minute).Lock(context.Background(), testItem().Key)
	require.NoError(t, err)
	defer unlock()

	t.Run("bounded wait, then fetch anyway", func(t *testing.T) {
		h := newHarness(t, Options{Kind: KindFile, Dir: dir, LockWait: 10 * time.Millisecond})
		b := (&backend{}).then(token(t0), nil)
		_, out, err := h.get(t, b)
		assert.NoError(t, err, "want fetched")
		assert.Equal(t, Fetched, out)
		assert.Contains(t, h.logs.String(), "fetching without the cache lock", "no warning")
	})
	t.Run("caller gives up first", func(t *testing.T) {
		h := newHarness(t, Options{Kind: KindFile, Dir: t.TempDir(), LockWait: time.Hour})
		// Same lock directory as the holder, empty cache.
		h.c.locker = NewLocker(mustRoot(t, dir), time.Hour)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		b := &backend{}
		_, _, err := h.c.Credential(ctx, testItem(), b.fetch)
		assert.ErrorIs(t, err, context.DeadlineExceeded, "want the context's deadline")
		assert.Zero(t, b.calls.Load(), "backend called after the caller gave up")
	})
}

func TestConcurrentColdLookupsInOneProcess(t *testing.T) {
	// Separate Cache values on one directory, as separate processes
	// would have; the cross-process version is in process_test.go.
	dir := t.TempDir()
	var calls atomic.Int64
	fetch := func(context.Context) (providers.Credential, error) {
		calls.Add(1)
		time.Sleep(50 * time.Millisecond) // long enough for the others to pile up on the lock
		return token(time.Now()), nil
	}
	var wg sync.WaitGroup
	outcomes := make(chan Outcome, 16)
	for range 16 {
		wg.Go(func() {
			c, err := Open(Options{Kind: KindFile, Dir: dir})
			if !assert.NoError(t, err) {
				return
			}
			_, out, err := c.Credential(context.Background(), testItem(), fetch)
			assert.NoError(t, err)
			outcomes <- out
		})
	}
	wg.Wait()
	close(outcomes)
	assert.EqualValues(t, 1, calls.Load(), "backend calls")
	hits := 0
	for o := range outcomes {
		if o == Hit {
			hits++
		}
	}
	assert.Equal(t, 15, hits, "hits")
}

func TestListAndClear(t *testing.T) {
	h := newHarness(t, Options{Kind: KindFile})
	ctx := context.Background()
	for i, reg := range []string{"b.example.com", "a.example.com", "b.example.com"} {
		it := Item{Key: Key("e", fmt.Sprint(i)), Registry: reg, Source: fmt.Sprint("entry", i)}
		_, _, err := h.c.Credential(ctx, it, (&backend{}).then(token(t0), nil).fetch)
		require.NoError(t, err)
	}
	infos, err := h.c.List(ctx)
	require.NoError(t, err)
	require.Len(t, infos, 3)
	got := []string{infos[0].Registry, infos[1].Source, infos[2].Source}
	assert.Equal(t, []string{"a.example.com", "entry0", "entry2"}, got, "List not sorted by registry, entry: %+v", infos)
	for _, tc := range []struct {
		registry string
		want     int
	}{{"b.example.com", 2}, {"nowhere.example.com", 0}, {"", 1}} {
		n, err := h.c.Clear(ctx, tc.registry)
		assert.NoError(t, err, "Clear(%q)", tc.registry)
		assert.Equal(t, tc.want, n, "Clear(%q)", tc.registry)
	}
}

func TestOpenRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{name: "unknown store", opts: Options{Kind: "redis"}, want: `cache store "redis"`},
		{name: "relative dir", opts: Options{Kind: KindFile, Dir: "cache"}, want: "cache dir is not an absolute path"},
		{name: "negative TTL", opts: Options{TTL: -1, Dir: "/x"}, want: "must not be negative"},
		{name: "chunk limit too small", opts: Options{ChunkLimit: 10, Dir: "/x"}, want: "chunk limit 10"},
		{name: "no home", opts: Options{Kind: KindFile, LookupEnv: testkit.Env(nil).Lookup}, want: "set cache.dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(tt.opts)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestDefaultDir(t *testing.T) {
	if goosForTest() == "windows" || goosForTest() == "darwin" {
		t.Skip("XDG rules apply to Linux and BSD")
	}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{name: "XDG_CACHE_HOME", env: map[string]string{"XDG_CACHE_HOME": "/c", "HOME": "/h"}, want: "/c/regcred"},
		{name: "HOME", env: map[string]string{"HOME": "/h"}, want: "/h/.cache/regcred"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultDir(testkit.Env(tt.env).Lookup)
			assert.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := DefaultDir(testkit.Env{"XDG_CACHE_HOME": "rel"}.Lookup)
	assert.ErrorIs(t, err, ErrNoDir, "relative XDG_CACHE_HOME")
}

func TestSaveSweepsExpiredEntries(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	c, err := Open(Options{Kind: KindFile, Dir: t.TempDir(), TTL: time.Minute, Now: clock,
		LookupEnv: testkit.Env(nil).Lookup})
	require.NoError(t, err)
	fetch := func(secret string) Fetch {
		return func(context.Context) (providers.Credential, error) {
			return providers.Credential{Username: "u", Secret: providers.Secret(secret), ExpiresAt: now.Add(time.Hour)}, nil
		}
	}
	ctx := context.Background()
	_, _, err = c.Credential(ctx, Item{Key: Key("old-identity"), Registry: "r.example.com"}, fetch("old-sweep-secret"))
	require.NoError(t, err)
	now = now.Add(2 * time.Hour) // the first token has expired; its key is never asked for again
	_, _, err = c.Credential(ctx, Item{Key: Key("new-identity"), Registry: "r.example.com"}, fetch("new-sweep-secret"))
	require.NoError(t, err)
	infos, err := c.List(ctx)
	require.NoError(t, err)
	if assert.Len(t, infos, 1, "after a write, the cache holds %+v; want only the live entry", infos) {
		assert.Equal(t, Key("new-identity"), infos[0].Key, "after a write; want only the live entry")
	}
}
