package cache

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
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
	return testkit.Env{"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/regcred-test-bus"}.Lookup
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
	clk := testkit.NewClock(t0)
	log, logs := testkit.DebugLogger()
	opts := sc.opts
	opts.Dir, opts.Now, opts.Logger = dir, clk.Now, log
	c, err := Open(opts)
	require.NoError(t, err, "Open")
	s := c.Store()
	ctx := context.Background()
	key := testKey(sc.name)

	_, ok, err := s.Get(ctx, key)
	require.NoError(t, err, "Get on an empty store; want a miss")
	require.False(t, ok, "Get on an empty store; want a miss")

	// A secret the size of an ECR password (≈ 2.9 KiB), larger than
	// Windows' 2,560-byte item limit, with multi-byte characters.
	long := testSecret + strings.Repeat("eyJwYXlsb2FkIjoi€", 200)
	want := entryAt(clk.Now())
	want.Secret = providers.Secret(long)
	require.NoError(t, s.Put(ctx, key, want), "Put")
	got, ok, err := s.Get(ctx, key)
	require.NoError(t, err, "Get after Put")
	require.True(t, ok, "Get after Put missed")
	assertEntry(t, got, want)

	want2 := entryAt(clk.Now().Add(time.Minute))
	require.NoError(t, s.Put(ctx, key, want2), "Put (replace)")
	got, _, _ = s.Get(ctx, key)
	assert.Equal(t, want2.Secret, got.Secret, "after replace, Get; want the new entry")
	assert.True(t, got.StoredAt.Equal(want2.StoredAt), "after replace, Get = stored %v, want the new entry stored %v", got.StoredAt, want2.StoredAt)

	infos, err := s.List(ctx)
	require.NoError(t, err, "List")
	require.Len(t, infos, 1, "List")
	in := infos[0]
	assert.Equal(t, key, in.Key, "List key")
	assert.Equal(t, want2.Registry, in.Registry, "List registry")
	assert.Equal(t, want2.Source, in.Source, "List source")
	assert.Equal(t, sc.wantStore, in.Store, "List store")
	assert.True(t, in.ExpiresAt.Equal(want2.ExpiresAt), "List expiry = %v, want %v", in.ExpiresAt, want2.ExpiresAt)
	testkit.AssertNoSecret(t, "List", fmt.Sprintf("%+v", infos), testSecret)

	assertDisk(t, dir, sc.secretOnDisk)

	require.NoError(t, s.Delete(ctx, key), "Delete")
	_, ok, _ = s.Get(ctx, key)
	assert.False(t, ok, "Get after Delete hit")
	assert.NoError(t, s.Delete(ctx, key), "Delete of a missing key")
	infos, _ = s.List(ctx)
	assert.Empty(t, infos, "List after Delete")

	// An entry past its expiry is a miss, and is dropped.
	old := entryAt(clk.Now().Add(-13 * time.Hour))
	require.NoError(t, s.Put(ctx, key, old), "Put (expired)")
	_, ok, err = s.Get(ctx, key)
	assert.NoError(t, err, "Get of an expired entry; want a miss")
	assert.False(t, ok, "Get of an expired entry; want a miss")
	infos, _ = s.List(ctx)
	assert.Empty(t, infos, "expired entry still listed after Get")

	testStoreRejects(t, s)

	assert.Equal(t, sc.wantWarn, strings.Contains(logs.String(), "keyring failed"), "keyring fallback warnings; log:\n%s", logs)
	testkit.AssertNoSecret(t, "log", logs.String(), testSecret)
}

func testStoreRejects(t *testing.T, s Store) {
	t.Helper()
	ctx := context.Background()
	key := testKey("rejects")
	noExpiry := entryAt(t0)
	noExpiry.ExpiresAt = time.Time{}
	assert.ErrorIs(t, s.Put(ctx, key, noExpiry), providers.ErrInvalid, "Put without expiry")
	empty := Entry{ExpiresAt: t0.Add(time.Hour)}
	assert.ErrorIs(t, s.Put(ctx, key, empty), providers.ErrInvalid, "Put of an empty credential")
	for _, bad := range []string{testSecret, "../../etc/passwd", ""} {
		err := s.Put(ctx, bad, entryAt(t0))
		assert.ErrorIs(t, err, providers.ErrInvalid, "Put with key %q", bad)
		_, _, gerr := s.Get(ctx, bad)
		assert.ErrorIs(t, gerr, providers.ErrInvalid, "Get with key %q", bad)
		testkit.AssertNoSecret(t, "error", fmt.Sprint(err), testSecret)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, _, err := s.Get(cancelled, key)
	assert.ErrorIs(t, err, context.Canceled, "Get with a cancelled context")
}

func assertEntry(t *testing.T, got, want Entry) {
	t.Helper()
	// The secrets are compared as a bool: a failure prints their lengths, not them.
	assert.True(t, got.Secret.Reveal() == want.Secret.Reveal(), "secret of %d bytes, want the one of %d bytes", len(got.Secret), len(want.Secret))
	assert.Equal(t, want.Username, got.Username, "entry username")
	assert.Equal(t, want.Registry, got.Registry, "entry registry")
	assert.Equal(t, want.Source, got.Source, "entry source")
	assert.Equal(t, want.LongLived, got.LongLived, "entry long-lived")
	assert.True(t, got.ExpiresAt.Equal(want.ExpiresAt), "entry expires at %v, want %v", got.ExpiresAt, want.ExpiresAt)
	assert.True(t, got.StoredAt.Equal(want.StoredAt), "entry stored at %v, want %v", got.StoredAt, want.StoredAt)
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
		testkit.AssertNoSecret(t, "file name", path, testSecret)
		if d.Type().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if strings.Contains(string(data), testSecret) {
				found = true
				inTokens := strings.Contains(path, string(filepath.Separator)+"tokens"+string(filepath.Separator))
				assert.True(t, secretOnDisk && inTokens, "%s holds the secret", path)
			}
		}
		return nil
	})
	require.NoError(t, err)
	if secretOnDisk {
		assert.True(t, found, "the file store wrote no token file")
	}
}
