package cache

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

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
			if len(parts) != tt.parts {
				t.Errorf("%d parts, want %d", len(parts), tt.parts)
			}
			if strings.Join(parts, "") != tt.value {
				t.Error("parts do not join back to the value")
			}
			for i, p := range parts {
				if len(p) > tt.limit || !utf8.ValidString(p) || p == "" {
					t.Errorf("part %d: %d bytes, valid UTF-8 %v", i, len(p), utf8.ValidString(p))
				}
			}
		})
	}
}

// openKeyring opens a keyring store over kr with a bus pretended present.
func openKeyring(t *testing.T, kr Keyring, limit int) (*Cache, *logBuf) {
	t.Helper()
	log, logs := newLog()
	c, err := Open(Options{Kind: KindKeyring, Dir: t.TempDir(), LookupEnv: withBus(), Keyring: kr, ChunkLimit: limit, Now: newClock().Now, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != KindKeyring {
		t.Fatalf("store %s, want keyring", c.Name())
	}
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

	if err := s.Put(ctx, key, bigEntry("a")); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "keyring failed") {
		t.Fatalf("the value did not fit the keyring:\n%s", logs)
	}
	users := kr.users(DefaultKeyringService)
	if len(users) < 20 {
		t.Errorf("%d items for a 3 KiB value with a %d-byte limit; not chunked", len(users), limit)
	}
	head, _ := kr.Get(DefaultKeyringService, key)
	if !strings.HasPrefix(head, chunkMagic) {
		t.Errorf("item under the key is %q, want a chunk head", head)
	}
	got, ok, err := s.Get(ctx, key)
	if !ok || err != nil {
		t.Fatalf("Get = ok %v, err %v", ok, err)
	}
	assertEntry(t, got, bigEntry("a"))

	// Replacing a value leaves no chunk of the old one behind, whether
	// the new one is chunked or not.
	assertOnlyCurrent(t, kr, key)
	small := entryAt(t0)
	small.Secret = "tiny"
	for _, e := range []Entry{bigEntry("b"), small, bigEntry("c")} {
		if err := s.Put(ctx, key, e); err != nil {
			t.Fatal(err)
		}
		assertOnlyCurrent(t, kr, key)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if u := kr.users(DefaultKeyringService); len(u) != 0 {
		t.Errorf("after Delete: items %v remain", u)
	}
}

func TestKeyringUnchunkedWriteOverChunked(t *testing.T) {
	// A chunked value written under one limit (a Windows build), replaced
	// under no limit: the old chunks go.
	kr := newMemKeyring(0)
	ctx, key := context.Background(), testKey("big")
	chunking, _ := openKeyring(t, kr, MinChunkLimit)
	if err := chunking.Store().Put(ctx, key, bigEntry("a")); err != nil {
		t.Fatal(err)
	}
	if n := len(kr.users(DefaultKeyringService)); n < 2 {
		t.Fatalf("%d items; the value was not chunked", n)
	}
	whole, _ := openKeyring(t, kr, 0)
	if err := whole.Store().Put(ctx, key, bigEntry("b")); err != nil {
		t.Fatal(err)
	}
	if u := kr.users(DefaultKeyringService); len(u) != 1 {
		t.Errorf("after an unchunked write over a chunked one: items %v, want only the key", u)
	}
}

func TestKeyringWithoutChunkingHitsTheLimit(t *testing.T) {
	// The control for the test above: the fake really refuses big items,
	// so without chunking the entry ends up in the file store.
	kr := newMemKeyring(MinChunkLimit)
	c, logs := openKeyring(t, kr, 0)
	if err := c.Store().Put(context.Background(), testKey("big"), bigEntry("a")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "data passed to Set was too big") {
		t.Errorf("expected the keyring to refuse the value; log:\n%s", logs)
	}
	infos, _ := c.List(context.Background())
	if len(infos) != 1 || infos[0].Store != KindFile {
		t.Errorf("List = %+v, want the entry in the file store", infos)
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
			if err := s.Put(ctx, key, bigEntry("a")); err != nil {
				t.Fatal(err)
			}
			tt.damage(kr, key)
			if _, ok, err := s.Get(ctx, key); ok || err != nil {
				t.Fatalf("Get = ok %v, err %v; want a miss", ok, err)
			}
			if !strings.Contains(logs.String(), "ignoring keyring item") {
				t.Errorf("no warning; log:\n%s", logs)
			}
			if err := s.Put(ctx, key, bigEntry("b")); err != nil {
				t.Fatal(err)
			}
			if got, ok, _ := s.Get(ctx, key); !ok || got.Secret != bigEntry("b").Secret {
				t.Error("the damaged item was not replaced")
			}
			assertNoSecret(t, "log", logs.String())
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
		if !want[u] {
			t.Errorf("stray item %s", u)
		}
	}
	if len(users) != len(want) {
		t.Errorf("%d items, want %d", len(users), len(want))
	}
}

func mustGet(kr *memKeyring, key string) string {
	v, _ := kr.Get(DefaultKeyringService, key)
	return v
}
