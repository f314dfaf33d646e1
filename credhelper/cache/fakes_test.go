package cache

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/regcred/regcred/providers"
)

// testSecret must never show up in a key, a file name, the index, a log
// line or an error.
const testSecret = "s3cr3t-T0KEN-must-not-leak"

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func testKey(name string) string { return Key("test", name) }

// clock is an injected clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// logBuf collects log output from any goroutine.
type logBuf struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func newLog() (*slog.Logger, *logBuf) {
	b := &logBuf{}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

// assertNoSecret fails if the test secret appears in any of the texts.
func assertNoSecret(t *testing.T, what string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, testSecret) {
			t.Errorf("%s contains the secret: %q", what, s)
		}
	}
}

func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// memKeyring behaves like go-keyring's backends: ErrNotFound for missing
// items, Set replaces, and a value over limit is refused the way Windows'
// Credential Manager refuses it.
type memKeyring struct {
	mu    sync.Mutex
	items map[string]string
	limit int
	calls atomic.Int64
}

func newMemKeyring(limit int) *memKeyring {
	return &memKeyring{items: map[string]string{}, limit: limit}
}

func (m *memKeyring) id(service, user string) string { return service + "\x00" + user }

func (m *memKeyring) Get(service, user string) (string, error) {
	m.calls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.items[m.id(service, user)]
	if !ok {
		return "", fs.ErrNotExist
	}
	return v, nil
}

func (m *memKeyring) Set(service, user, secret string) error {
	m.calls.Add(1)
	if m.limit > 0 && len(secret) > m.limit {
		return keyring.ErrSetDataTooBig
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[m.id(service, user)] = secret
	return nil
}

func (m *memKeyring) Delete(service, user string) error {
	m.calls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.items[m.id(service, user)]; !ok {
		return fs.ErrNotExist
	}
	delete(m.items, m.id(service, user))
	return nil
}

// users lists the item names held for service.
func (m *memKeyring) users(service string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for id := range m.items {
		if s, u, _ := strings.Cut(id, "\x00"); s == service {
			out = append(out, u)
		}
	}
	return out
}

// brokenKeyring fails every call the way a Secret Service that is not
// running does.
type brokenKeyring struct{ calls atomic.Int64 }

var errNoSecretService = errors.New("org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files")

func (b *brokenKeyring) Get(string, string) (string, error) {
	b.calls.Add(1)
	return "", errNoSecretService
}
func (b *brokenKeyring) Set(string, string, string) error { b.calls.Add(1); return errNoSecretService }
func (b *brokenKeyring) Delete(string, string) error      { b.calls.Add(1); return errNoSecretService }

// hungKeyring never answers, like a Secret Service waiting on an unlock
// prompt nobody sees. release lets the abandoned calls finish.
type hungKeyring struct{ release chan struct{} }

func (h hungKeyring) Get(string, string) (string, error) { <-h.release; return "", errNoSecretService }
func (h hungKeyring) Set(string, string, string) error   { <-h.release; return errNoSecretService }
func (h hungKeyring) Delete(string, string) error        { <-h.release; return errNoSecretService }

// token is a 12-hour credential issued at now.
func token(now time.Time) providers.Credential {
	return providers.Credential{Username: "AWS", Secret: testSecret, ExpiresAt: now.Add(12 * time.Hour)}
}

func entryAt(now time.Time) Entry {
	return Entry{Username: "AWS", Secret: testSecret, StoredAt: now, ExpiresAt: now.Add(12 * time.Hour),
		Registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", Source: "ecr-prod"}
}

// fetchOnce returns cred the first time and fails the test if called again.
func fetchOnce(t *testing.T, cred providers.Credential) Fetch {
	t.Helper()
	var called atomic.Bool
	return func(context.Context) (providers.Credential, error) {
		if called.Swap(true) {
			t.Error("backend called twice")
		}
		return cred, nil
	}
}

func goosForTest() string { return runtime.GOOS }

// mustRoot opens dir as a cache root.
func mustRoot(t *testing.T, dir string) *Root {
	t.Helper()
	r, err := OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
