package cache

import (
	"context"
	"errors"
	"io/fs"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zalando/go-keyring"

	"github.com/regcred/regcred/providers"
)

// testSecret must never show up in a key, a file name, the index, a log
// line or an error.
const testSecret = "s3cr3t-T0KEN-must-not-leak"

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func testKey(name string) string { return Key("test", name) }

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
		assert.False(t, called.Swap(true), "backend called twice")
		return cred, nil
	}
}

func goosForTest() string { return runtime.GOOS }

// mustRoot opens dir as a cache root.
func mustRoot(t *testing.T, dir string) *Root {
	t.Helper()
	r, err := OpenRoot(dir)
	require.NoError(t, err)
	return r
}
