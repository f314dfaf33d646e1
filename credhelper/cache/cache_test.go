package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
	clk  *clock
	logs *logBuf
	dir  string
}

func newHarness(t *testing.T, opts Options) harness {
	t.Helper()
	log, logs := newLog()
	clk := newClock()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	opts.Now, opts.Logger = clk.Now, log
	c, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { assertNoSecret(t, "log", logs.String()) })
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
			if err != nil || out != Fetched || cred.Secret != testSecret {
				t.Fatalf("cold = %v, %v, %v", out, err, cred.Secret == testSecret)
			}
			h.clk.Advance(time.Hour)
			cred, out, err = h.get(t, b)
			if err != nil || out != Hit || cred.Secret != testSecret || cred.Username != "AWS" || !cred.ExpiresAt.Equal(t0.Add(12*time.Hour)) {
				t.Fatalf("warm = %+v, %v, %v", cred, out, err)
			}
			if n := b.calls.Load(); n != 1 {
				t.Errorf("%d backend calls, want 1", n)
			}
		})
	}
}

func TestCredentialRefresh(t *testing.T) {
	h := newHarness(t, Options{Kind: KindFile})
	b := (&backend{}).then(token(t0), nil).then(token(t0.Add(6*time.Hour)), nil)
	h.get(t, b)
	h.clk.Advance(6 * time.Hour) // half of 12h
	cred, out, err := h.get(t, b)
	if err != nil || out != Fetched || !cred.ExpiresAt.Equal(t0.Add(18*time.Hour)) {
		t.Fatalf("at half life = %v, %v, expiry %v; want a refreshed token", out, err, cred.ExpiresAt)
	}
	if _, out, _ := h.get(t, b); out != Hit {
		t.Errorf("after the refresh = %v, want a hit on the new token", out)
	}
}

func TestCredentialRefreshFailureServesTheValidToken(t *testing.T) {
	h := newHarness(t, Options{Kind: KindFile})
	down := fmt.Errorf("%w: ECR answered 503", providers.ErrUnavailable)
	b := (&backend{}).then(token(t0), nil).then(providers.Credential{}, down).then(providers.Credential{}, down)
	h.get(t, b)
	h.clk.Advance(11 * time.Hour) // 1h left: due a refresh, still valid
	cred, out, err := h.get(t, b)
	if err != nil || out != Stale || cred.Secret != testSecret {
		t.Fatalf("refresh failing = %v, %v; want the cached token, stale", out, err)
	}
	if !strings.Contains(h.logs.String(), "refreshing the credential failed") || !strings.Contains(h.logs.String(), "ECR answered 503") {
		t.Errorf("no warning naming the failure; log:\n%s", h.logs)
	}
	h.clk.Advance(time.Hour) // now expired
	if _, _, err := h.get(t, b); !errors.Is(err, providers.ErrUnavailable) {
		t.Errorf("refresh failing after expiry = %v, want the backend's error", err)
	}
	if n := b.calls.Load(); n != 3 {
		t.Errorf("%d backend calls, want 3", n)
	}
}

func TestFailuresAreNotCached(t *testing.T) {
	h := newHarness(t, Options{Kind: KindFile})
	denied := fmt.Errorf("%w: no pull permission", providers.ErrDenied)
	b := (&backend{}).then(providers.Credential{}, denied).then(token(t0), nil)
	if _, _, err := h.get(t, b); !errors.Is(err, providers.ErrDenied) {
		t.Fatalf("first call = %v, want the denial", err)
	}
	if infos, _ := h.c.List(context.Background()); len(infos) != 0 {
		t.Errorf("a failure left a cache entry: %+v", infos)
	}
	if _, out, err := h.get(t, b); err != nil || out != Fetched {
		t.Errorf("second call = %v, %v; want the backend asked again", out, err)
	}
}

func TestLongLivedSecretsUseTheTTL(t *testing.T) {
	static := providers.Credential{Username: "robot", Secret: testSecret}
	t.Run("ttl 5m", func(t *testing.T) {
		h := newHarness(t, Options{Kind: KindFile, TTL: 5 * time.Minute})
		b := (&backend{}).then(static, nil).then(static, nil)
		h.get(t, b)
		h.clk.Advance(5*time.Minute - time.Second)
		cred, out, err := h.get(t, b)
		if err != nil || out != Hit || !cred.ExpiresAt.IsZero() {
			t.Fatalf("within the TTL = %v, %v, expiry %v; want a hit with no expiry", out, err, cred.ExpiresAt)
		}
		infos, _ := h.c.List(context.Background())
		if len(infos) != 1 || !infos[0].LongLived || !infos[0].ExpiresAt.Equal(t0.Add(5*time.Minute)) {
			t.Errorf("List = %+v", infos)
		}
		h.clk.Advance(time.Second)
		if _, out, _ := h.get(t, b); out != Fetched {
			t.Errorf("at the TTL = %v, want fetched", out)
		}
	})
	t.Run("ttl 0 disables", func(t *testing.T) {
		h := newHarness(t, Options{Kind: KindFile})
		b := (&backend{}).then(static, nil).then(static, nil)
		h.get(t, b)
		if _, out, _ := h.get(t, b); out != Fetched {
			t.Errorf("second call = %v, want fetched", out)
		}
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
			if _, out, _ := h.get(t, b); out != Fetched {
				t.Errorf("second call = %v, want fetched", out)
			}
		})
	}
}

func TestNoneStoreCachesNothing(t *testing.T) {
	dir := t.TempDir() + "/never-created"
	h := newHarness(t, Options{Kind: KindNone, Dir: dir, TTL: time.Hour})
	b := (&backend{}).then(token(t0), nil).then(token(t0), nil)
	h.get(t, b)
	if _, out, _ := h.get(t, b); out != Fetched {
		t.Errorf("second call = %v, want fetched", out)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the none store touched %s: %v", dir, err)
	}
}

func TestCredentialRejectsNonKeys(t *testing.T) {
	h := newHarness(t, Options{Kind: KindFile})
	b := &backend{}
	_, _, err := h.c.Credential(context.Background(), Item{Key: testSecret, Registry: "r"}, b.fetch)
	if !errors.Is(err, providers.ErrInvalid) {
		t.Errorf("err = %v, want ErrInvalid", err)
	}
	assertNoSecret(t, "error", fmt.Sprint(err))
	if b.calls.Load() != 0 {
		t.Error("backend called with a bad key")
	}
}

func TestCredentialWhenTheLockIsHeld(t *testing.T) {
	dir := t.TempDir()
	unlock, err := NewLocker(mustRoot(t, dir), time.Minute).Lock(context.Background(), testItem().Key)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()

	t.Run("bounded wait, then fetch anyway", func(t *testing.T) {
		h := newHarness(t, Options{Kind: KindFile, Dir: dir, LockWait: 10 * time.Millisecond})
		b := (&backend{}).then(token(t0), nil)
		if _, out, err := h.get(t, b); err != nil || out != Fetched {
			t.Errorf("= %v, %v; want fetched", out, err)
		}
		if !strings.Contains(h.logs.String(), "fetching without the cache lock") {
			t.Errorf("no warning; log:\n%s", h.logs)
		}
	})
	t.Run("caller gives up first", func(t *testing.T) {
		h := newHarness(t, Options{Kind: KindFile, Dir: t.TempDir(), LockWait: time.Hour})
		// Same lock directory as the holder, empty cache.
		h.c.locker = NewLocker(mustRoot(t, dir), time.Hour)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		defer cancel()
		b := &backend{}
		if _, _, err := h.c.Credential(ctx, testItem(), b.fetch); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want the context's deadline", err)
		}
		if b.calls.Load() != 0 {
			t.Error("backend called after the caller gave up")
		}
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
			if err != nil {
				t.Error(err)
				return
			}
			_, out, err := c.Credential(context.Background(), testItem(), fetch)
			if err != nil {
				t.Error(err)
			}
			outcomes <- out
		})
	}
	wg.Wait()
	close(outcomes)
	if n := calls.Load(); n != 1 {
		t.Errorf("%d backend calls, want 1", n)
	}
	hits := 0
	for o := range outcomes {
		if o == Hit {
			hits++
		}
	}
	if hits != 15 {
		t.Errorf("%d hits, want 15", hits)
	}
}

func TestListAndClear(t *testing.T) {
	h := newHarness(t, Options{Kind: KindFile})
	ctx := context.Background()
	for i, reg := range []string{"b.example.com", "a.example.com", "b.example.com"} {
		it := Item{Key: Key("e", fmt.Sprint(i)), Registry: reg, Source: fmt.Sprint("entry", i)}
		if _, _, err := h.c.Credential(ctx, it, (&backend{}).then(token(t0), nil).fetch); err != nil {
			t.Fatal(err)
		}
	}
	infos, err := h.c.List(ctx)
	if err != nil || len(infos) != 3 {
		t.Fatalf("List = %+v, %v", infos, err)
	}
	if infos[0].Registry != "a.example.com" || infos[1].Source != "entry0" || infos[2].Source != "entry2" {
		t.Errorf("List not sorted by registry, entry: %+v", infos)
	}
	if n, err := h.c.Clear(ctx, "b.example.com"); n != 2 || err != nil {
		t.Errorf("Clear(b) = %d, %v; want 2", n, err)
	}
	if n, err := h.c.Clear(ctx, "nowhere.example.com"); n != 0 || err != nil {
		t.Errorf("Clear(nowhere) = %d, %v; want 0", n, err)
	}
	if n, err := h.c.Clear(ctx, ""); n != 1 || err != nil {
		t.Errorf("Clear() = %d, %v; want 1", n, err)
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
		{name: "no home", opts: Options{Kind: KindFile, LookupEnv: envMap(nil)}, want: "set cache.dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open = %v, want an error containing %q", err, tt.want)
			}
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
			got, err := DefaultDir(envMap(tt.env))
			if err != nil || got != tt.want {
				t.Errorf("DefaultDir = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if _, err := DefaultDir(envMap(map[string]string{"XDG_CACHE_HOME": "rel"})); !errors.Is(err, ErrNoDir) {
		t.Errorf("relative XDG_CACHE_HOME = %v, want ErrNoDir", err)
	}
}

func TestSaveSweepsExpiredEntries(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	c, err := Open(Options{Kind: KindFile, Dir: t.TempDir(), TTL: time.Minute, Now: clock,
		LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	fetch := func(secret string) Fetch {
		return func(context.Context) (providers.Credential, error) {
			return providers.Credential{Username: "u", Secret: providers.Secret(secret), ExpiresAt: now.Add(time.Hour)}, nil
		}
	}
	ctx := context.Background()
	if _, _, err := c.Credential(ctx, Item{Key: Key("old-identity"), Registry: "r.example.com"}, fetch("old-sweep-secret")); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Hour) // the first token has expired; its key is never asked for again
	if _, _, err := c.Credential(ctx, Item{Key: Key("new-identity"), Registry: "r.example.com"}, fetch("new-sweep-secret")); err != nil {
		t.Fatal(err)
	}
	infos, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 1 || infos[0].Key != Key("new-identity") {
		t.Errorf("after a write, the cache holds %+v; want only the live entry", infos)
	}
}
