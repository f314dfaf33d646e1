package cache

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regcred/regcred/providers"
)

// storeCase opens one store for the shared store tests.
type storeCase struct {
	name string
	// opts fills in what differs; Dir, Now and Logger are set by the suite.
	opts Options
	// wantStore is Info.Store for entries written; secretOnDisk says
	// whether the secret may be found in a file under Dir.
	wantStore    string
	secretOnDisk bool
	// wantWarn: the store is expected to log keyring fallbacks.
	wantWarn bool
}

// withBus pretends a session bus is running, so the injected keyring is
// used; the real go-keyring is never reached with these options.
func withBus() func(string) (string, bool) {
	return envMap(map[string]string{"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/regcred-test-bus"})
}

func storeCases() []storeCase {
	return []storeCase{
		{name: "file", opts: Options{Kind: KindFile}, wantStore: KindFile, secretOnDisk: true},
		{name: "keyring", opts: Options{Kind: KindKeyring, LookupEnv: withBus(), Keyring: newMemKeyring(0)}, wantStore: KindKeyring},
		{name: "keyring with Windows-sized items", opts: Options{Kind: KindKeyring, LookupEnv: withBus(), Keyring: newMemKeyring(2560), ChunkLimit: 2560}, wantStore: KindKeyring},
		{name: "keyring with tiny items (chunked)", opts: Options{Kind: KindKeyring, LookupEnv: withBus(), Keyring: newMemKeyring(MinChunkLimit), ChunkLimit: MinChunkLimit}, wantStore: KindKeyring},
		{name: "auto with a broken keyring falls back to file", opts: Options{Kind: KindAuto, LookupEnv: withBus(), Keyring: &brokenKeyring{}}, wantStore: KindFile, secretOnDisk: true, wantWarn: true},
		// The front binary links no keyring: it must use the file store even with a bus.
		{name: "auto in a program without a keyring uses file", opts: Options{Kind: KindAuto, LookupEnv: withBus()}, wantStore: KindFile, secretOnDisk: true},
	}
}

func TestStores(t *testing.T) {
	for _, sc := range storeCases() {
		t.Run(sc.name, func(t *testing.T) {
			testStore(t, sc)
		})
	}
}

// testStore is the contract every store meets. The Secret Service test
// runs it against the real keyring too.
func testStore(t *testing.T, sc storeCase) {
	dir := t.TempDir()
	clk := newClock()
	log, logs := newLog()
	opts := sc.opts
	opts.Dir, opts.Now, opts.Logger = dir, clk.Now, log
	c, err := Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	s := c.Store()
	ctx := context.Background()
	key := testKey(sc.name)

	if _, ok, err := s.Get(ctx, key); ok || err != nil {
		t.Fatalf("Get on an empty store = ok %v, err %v; want a miss", ok, err)
	}

	// A secret the size of an ECR password (≈ 2.9 KiB), larger than
	// Windows' 2,560-byte item limit, with multi-byte characters.
	long := testSecret + strings.Repeat("eyJwYXlsb2FkIjoi€", 200)
	want := entryAt(clk.Now())
	want.Secret = providers.Secret(long)
	if err := s.Put(ctx, key, want); err != nil {
		t.Fatalf("Put: %v", err)
	}
	got, ok, err := s.Get(ctx, key)
	if !ok || err != nil {
		t.Fatalf("Get after Put = ok %v, err %v", ok, err)
	}
	assertEntry(t, got, want)

	want2 := entryAt(clk.Now().Add(time.Minute))
	if err := s.Put(ctx, key, want2); err != nil {
		t.Fatalf("Put (replace): %v", err)
	}
	if got, _, _ := s.Get(ctx, key); got.Secret != want2.Secret || !got.StoredAt.Equal(want2.StoredAt) {
		t.Errorf("after replace, Get = stored %v, want the new entry stored %v", got.StoredAt, want2.StoredAt)
	}

	infos, err := s.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(infos) != 1 {
		t.Fatalf("List = %d entries, want 1: %+v", len(infos), infos)
	}
	in := infos[0]
	if in.Key != key || in.Registry != want2.Registry || in.Source != want2.Source || in.Store != sc.wantStore || !in.ExpiresAt.Equal(want2.ExpiresAt) {
		t.Errorf("List = %+v, want key %s, registry %s, source %s, store %s, expiry %v", in, key, want2.Registry, want2.Source, sc.wantStore, want2.ExpiresAt)
	}
	assertNoSecret(t, "List", fmt.Sprintf("%+v", infos))

	assertDisk(t, dir, sc.secretOnDisk)

	if err := s.Delete(ctx, key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, ok, _ := s.Get(ctx, key); ok {
		t.Error("Get after Delete hit")
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Errorf("Delete of a missing key: %v", err)
	}
	if infos, _ := s.List(ctx); len(infos) != 0 {
		t.Errorf("List after Delete = %+v", infos)
	}

	// An entry past its expiry is a miss, and is dropped.
	old := entryAt(clk.Now().Add(-13 * time.Hour))
	if err := s.Put(ctx, key, old); err != nil {
		t.Fatalf("Put (expired): %v", err)
	}
	if _, ok, err := s.Get(ctx, key); ok || err != nil {
		t.Errorf("Get of an expired entry = ok %v, err %v; want a miss", ok, err)
	}
	if infos, _ := s.List(ctx); len(infos) != 0 {
		t.Errorf("expired entry still listed after Get: %+v", infos)
	}

	testStoreRejects(t, s)

	if strings.Contains(logs.String(), "keyring failed") != sc.wantWarn {
		t.Errorf("keyring fallback warnings = %v, want %v; log:\n%s", !sc.wantWarn, sc.wantWarn, logs)
	}
	assertNoSecret(t, "log", logs.String())
}

func testStoreRejects(t *testing.T, s Store) {
	t.Helper()
	ctx := context.Background()
	key := testKey("rejects")
	noExpiry := entryAt(t0)
	noExpiry.ExpiresAt = time.Time{}
	if err := s.Put(ctx, key, noExpiry); !errors.Is(err, providers.ErrInvalid) {
		t.Errorf("Put without expiry = %v, want ErrInvalid", err)
	}
	empty := Entry{ExpiresAt: t0.Add(time.Hour)}
	if err := s.Put(ctx, key, empty); !errors.Is(err, providers.ErrInvalid) {
		t.Errorf("Put of an empty credential = %v, want ErrInvalid", err)
	}
	for _, bad := range []string{testSecret, "../../etc/passwd", ""} {
		err := s.Put(ctx, bad, entryAt(t0))
		if !errors.Is(err, providers.ErrInvalid) {
			t.Errorf("Put with key %q = %v, want ErrInvalid", bad, err)
		}
		if _, _, gerr := s.Get(ctx, bad); !errors.Is(gerr, providers.ErrInvalid) {
			t.Errorf("Get with key %q = %v, want ErrInvalid", bad, gerr)
		}
		assertNoSecret(t, "error", fmt.Sprint(err))
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := s.Get(cancelled, key); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with a cancelled context = %v", err)
	}
}

func assertEntry(t *testing.T, got, want Entry) {
	t.Helper()
	if got.Username != want.Username || got.Secret.Reveal() != want.Secret.Reveal() || got.Registry != want.Registry ||
		got.Source != want.Source || got.LongLived != want.LongLived ||
		!got.ExpiresAt.Equal(want.ExpiresAt) || !got.StoredAt.Equal(want.StoredAt) {
		t.Errorf("entry = %+v (secret %d bytes), want %+v (secret %d bytes)", got, len(got.Secret), want, len(want.Secret))
	}
}

// assertDisk: no file or directory name under dir holds the secret, and no
// file's content does unless the store keeps secrets on disk.
func assertDisk(t *testing.T, dir string, secretOnDisk bool) {
	t.Helper()
	found := false
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		assertNoSecret(t, "file name", path)
		if d.Type().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if strings.Contains(string(data), testSecret) {
				found = true
				if !secretOnDisk || !strings.Contains(path, string(filepath.Separator)+"tokens"+string(filepath.Separator)) {
					t.Errorf("%s holds the secret", path)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if secretOnDisk && !found {
		t.Error("the file store wrote no token file")
	}
}
