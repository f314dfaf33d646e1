package cache

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/syncbuf"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		value string
		limit int
		parts int
	}{
		{name: "fits", value: strings.Repeat("a", 128), limit: 128, parts: 1},
		{name: "one over", value: strings.Repeat("a", 129), limit: 128, parts: 2},
		{name: "ECR-sized over Windows' limit", value: strings.Repeat("Zm9v", 800), limit: 2560, parts: 2},
		{name: "multi-byte characters straddling the cut", value: strings.Repeat("€", 100), limit: 128, parts: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := split(tt.value, tt.limit)
			assert.Len(t, parts, tt.parts)
			assert.True(t, strings.Join(parts, "") == tt.value, "parts do not join back to the value")
			for i, p := range parts {
				assert.NotEmpty(t, p, "part %d", i)
				assert.LessOrEqual(t, len(p), tt.limit, "part %d: bytes", i)
				assert.True(t, utf8.ValidString(p), "part %d: not valid UTF-8", i)
			}
		})
	}
}

// openKeyring opens a keyring store over kr with a bus pretended present.
func openKeyring(t *testing.T, kr Keyring, limit int) (*Cache, *syncbuf.Buffer) {
	t.Helper()
	log, logs := testkit.DebugLogger()
	c, err := Open(Options{Kind: KindKeyring, Dir: t.TempDir(), LookupEnv: withBus(), Keyring: kr, ChunkLimit: limit, Now: testkit.NewClock(t0).Now, Logger: log})
	require.NoError(t, err)
	require.Equal(t, KindKeyring, c.Name(), "store")
	return c, logs
}

func bigEntry(suffix string) Entry {
	e := entryAt(t0)
	e.Secret = providers.Secret(testSecret + "-" + suffixed(suffix, 3000))
	return e
}

func suffixed(s string, n int) string { return strings.Repeat(s, n/len(s)+1)[:n] }

func TestKeyringChunksLargeValues(t *testing.T) {
	const limit = MinChunkLimit
	kr := newMemKeyring(limit) // refuses items over the limit, as Windows does
	c, logs := openKeyring(t, kr, limit)
	s, ctx, key := c.Store(), context.Background(), testKey("big")

	require.NoError(t, s.Put(ctx, key, bigEntry("a")))
	require.NotContains(t, logs.String(), "keyring failed", "the value did not fit the keyring")
	users := kr.users(DefaultKeyringService)
	assert.GreaterOrEqual(t, len(users), 20, "items for a 3 KiB value with a %d-byte limit; not chunked", limit)
	head, _ := kr.Get(DefaultKeyringService, key)
	assert.True(t, strings.HasPrefix(head, chunkMagic), "item under the key is %q, want a chunk head", head)
	got, ok, err := s.Get(ctx, key)
	require.NoError(t, err, "Get")
	require.True(t, ok, "Get missed")
	assertEntry(t, got, bigEntry("a"))

	// Replacing a value leaves no chunk of the old one behind, whether
	// the new one is chunked or not.
	assertOnlyCurrent(t, kr, key)
	small := entryAt(t0)
	small.Secret = "tiny"
	for _, e := range []Entry{bigEntry("b"), small, bigEntry("c")} {
		require.NoError(t, s.Put(ctx, key, e))
		assertOnlyCurrent(t, kr, key)
	}
	require.NoError(t, s.Delete(ctx, key))
	assert.Empty(t, kr.users(DefaultKeyringService), "after Delete: items remain")
}

func TestKeyringUnchunkedWriteOverChunked(t *testing.T) {
	// A chunked value written under one limit (a Windows build), replaced
	// under no limit: the old chunks go.
	kr := newMemKeyring(0)
	ctx, key := context.Background(), testKey("big")
	chunking, _ := openKeyring(t, kr, MinChunkLimit)
	require.NoError(t, chunking.Store().Put(ctx, key, bigEntry("a")))
	require.GreaterOrEqual(t, len(kr.users(DefaultKeyringService)), 2, "items; the value was not chunked")
	whole, _ := openKeyring(t, kr, 0)
	require.NoError(t, whole.Store().Put(ctx, key, bigEntry("b")))
	assert.Len(t, kr.users(DefaultKeyringService), 1, "after an unchunked write over a chunked one, want only the key")
}

func TestKeyringWithoutChunkingHitsTheLimit(t *testing.T) {
	// The control for the test above: the fake really refuses big items,
	// so without chunking the entry ends up in the file store.
	kr := newMemKeyring(MinChunkLimit)
	c, logs := openKeyring(t, kr, 0)
	require.NoError(t, c.Store().Put(context.Background(), testKey("big"), bigEntry("a")))
	assert.Contains(t, logs.String(), "data passed to Set was too big", "expected the keyring to refuse the value")
	infos, _ := c.List(context.Background())
	if assert.Len(t, infos, 1, "List, want the entry in the file store") {
		assert.Equal(t, KindFile, infos[0].Store, "List, want the entry in the file store")
	}
}

func TestKeyringIgnoresBrokenChunks(t *testing.T) {
	tests := []struct {
		name   string
		damage func(kr *memKeyring, key string)
	}{
		{name: "a chunk missing", damage: func(kr *memKeyring, key string) {
			h, _ := parseHead(mustGet(kr, key))
			_ = kr.Delete(DefaultKeyringService, chunkUser(key, h.gen, 1))
		}},
		{name: "a chunk altered", damage: func(kr *memKeyring, key string) {
			h, _ := parseHead(mustGet(kr, key))
			u := chunkUser(key, h.gen, 2)
			v, _ := kr.Get(DefaultKeyringService, u)
			_ = kr.Set(DefaultKeyringService, u, strings.ToUpper(v))
		}},
		{name: "a malformed head", damage: func(kr *memKeyring, key string) {
			_ = kr.Set(DefaultKeyringService, key, chunkMagic+"zz 3 abc")
		}},
		{name: "a head claiming a million chunks", damage: func(kr *memKeyring, key string) {
			h, _ := parseHead(mustGet(kr, key))
			h.count = 1_000_000
			_ = kr.Set(DefaultKeyringService, key, h.String())
		}},
		{name: "an item written for another key", damage: func(kr *memKeyring, key string) {
			data, _ := encodeRecord(testKey("other"), entryAt(t0))
			_ = kr.Set(DefaultKeyringService, key, string(data))
		}},
		{name: "not a record", damage: func(kr *memKeyring, key string) {
			_ = kr.Set(DefaultKeyringService, key, "hunter2")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kr := newMemKeyring(0)
			c, logs := openKeyring(t, kr, MinChunkLimit)
			s, ctx, key := c.Store(), context.Background(), testKey("big")
			require.NoError(t, s.Put(ctx, key, bigEntry("a")))
			tt.damage(kr, key)
			_, ok, err := s.Get(ctx, key)
			require.NoError(t, err, "Get; want a miss")
			require.False(t, ok, "Get; want a miss")
			assert.Contains(t, logs.String(), "ignoring keyring item", "no warning")
			require.NoError(t, s.Put(ctx, key, bigEntry("b")))
			got, ok, _ := s.Get(ctx, key)
			assert.True(t, ok && got.Secret == bigEntry("b").Secret, "the damaged item was not replaced")
			testkit.AssertNoSecret(t, "log", logs.String(), testSecret)
		})
	}
}

// assertOnlyCurrent: the keyring holds the item under key and, if it is a
// chunk head, exactly its chunks.
func assertOnlyCurrent(t *testing.T, kr *memKeyring, key string) {
	t.Helper()
	want := map[string]bool{key: true}
	if h, ok := parseHead(mustGet(kr, key)); ok {
		for i := range h.count {
			want[chunkUser(key, h.gen, i)] = true
		}
	}
	users := kr.users(DefaultKeyringService)
	for _, u := range users {
		assert.True(t, want[u], "stray item %s", u)
	}
	assert.Len(t, users, len(want), "items")
}

func mustGet(kr *memKeyring, key string) string {
	v, _ := kr.Get(DefaultKeyringService, key)
	return v
}
