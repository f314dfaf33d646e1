package cache

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/syncbuf"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

// flakyKeyring is a working keyring that can be switched off.
type flakyKeyring struct {
	*memKeyring
	down atomic.Bool
}

func (f *flakyKeyring) Get(s, u string) (string, error) {
	if f.down.Load() {
		return "", errNoSecretService
	}
	return f.memKeyring.Get(s, u)
}

func (f *flakyKeyring) Set(s, u, v string) error {
	if f.down.Load() {
		return errNoSecretService
	}
	return f.memKeyring.Set(s, u, v)
}

func (f *flakyKeyring) Delete(s, u string) error {
	if f.down.Load() {
		return errNoSecretService
	}
	return f.memKeyring.Delete(s, u)
}

func TestKeyringErrorsFallBackToFile(t *testing.T) {
	kr := &flakyKeyring{memKeyring: newMemKeyring(0)}
	dir := t.TempDir()
	run := func() (*Cache, *syncbuf.Buffer) { // one helper invocation
		log, logs := testkit.DebugLogger()
		c, err := Open(Options{Kind: KindAuto, Dir: dir, LookupEnv: withBus(), Keyring: kr, Now: testkit.NewClock(t0).Now, Logger: log})
		require.NoError(t, err)
		return c, logs
	}
	ctx, key := context.Background(), testKey("k")
	tokenFile := filepath.Join(dir, "tokens", key+".json")

	kr.down.Store(true)
	c, logs := run()
	require.NoError(t, c.Store().Put(ctx, key, entryAt(t0)), "Put with the keyring down")
	_, err := os.Stat(tokenFile)
	require.NoError(t, err, "no file written while the keyring was down")
	calls := kr.calls.Load()
	got, ok, err := c.Store().Get(ctx, key)
	require.NoError(t, err, "Get with the keyring down")
	require.True(t, ok, "Get with the keyring down missed")
	require.Equal(t, providers.Secret(testSecret), got.Secret, "Get with the keyring down")
	assert.Equal(t, calls, kr.calls.Load(), "the keyring was asked again in the run it failed in")
	assert.Equal(t, 1, strings.Count(logs.String(), "keyring failed; using the file cache"), "fallback warnings; log:\n%s", logs)
	assert.Contains(t, logs.String(), "ServiceUnknown", "warning does not say why the keyring failed")
	testkit.AssertNoSecret(t, "log", logs.String(), testSecret)

	// The keyring is back for the next run: the entry written to the
	// file is still served (keyring miss → file), and the next Put moves
	// it to the keyring.
	kr.down.Store(false)
	c, logs = run()
	_, ok, _ = c.Store().Get(ctx, key)
	assert.True(t, ok, "the file copy was not served after the keyring came back")
	require.NoError(t, c.Store().Put(ctx, key, entryAt(t0)))
	_, err = os.Stat(tokenFile)
	assert.True(t, os.IsNotExist(err), "the file copy survived a keyring write: %v", err)
	infos, _ := c.List(ctx)
	if assert.Len(t, infos, 1, "List, want one keyring entry") {
		assert.Equal(t, KindKeyring, infos[0].Store, "List, want one keyring entry")
	}
	assert.Empty(t, logs.String(), "warnings with a working keyring")
}

func TestKeyringHangFallsBackToFile(t *testing.T) {
	hung := hungKeyring{release: make(chan struct{})}
	t.Cleanup(func() { close(hung.release) })
	log, logs := testkit.DebugLogger()
	c, err := Open(Options{Kind: KindAuto, Dir: t.TempDir(), LookupEnv: withBus(), Keyring: hung,
		KeyringTimeout: 10 * time.Millisecond, Now: testkit.NewClock(t0).Now, Logger: log})
	require.NoError(t, err)
	s, ctx, key := c.Store(), context.Background(), testKey("k")
	require.NoError(t, s.Put(ctx, key, entryAt(t0)))
	_, ok, err := s.Get(ctx, key)
	require.NoError(t, err, "Get")
	require.True(t, ok, "Get missed")
	assert.Contains(t, logs.String(), "no answer", "no warning about the unanswered keyring")
}

func TestKeyringListReadsOnlyTheIndex(t *testing.T) {
	kr := newMemKeyring(0)
	c, _ := openKeyring(t, kr, 0)
	ctx := context.Background()
	for _, name := range []string{"a", "b"} {
		e := entryAt(t0)
		e.Registry = name + ".example.com"
		require.NoError(t, c.Store().Put(ctx, testKey(name), e))
	}
	before := kr.calls.Load()
	infos, err := c.List(ctx)
	require.NoError(t, err)
	assert.Equal(t, before, kr.calls.Load(), "List made keyring calls")
	if assert.Len(t, infos, 2, "List") {
		assert.Equal(t, []string{"a.example.com", "b.example.com"}, []string{infos[0].Registry, infos[1].Registry}, "List = %+v", infos)
	}
	// The index (and anything else on disk) holds no secret.
	assertDisk(t, c.Store().(*fallbackStore).keyring.index.root.Path(), false)
}

func TestKeyringDeleteWhenUnreachable(t *testing.T) {
	kr := &flakyKeyring{memKeyring: newMemKeyring(0)}
	c, _ := openKeyring(t, kr, 0)
	ctx := context.Background()
	inKeyring, inFile := testKey("keyring"), testKey("file")
	require.NoError(t, c.Store().Put(ctx, inKeyring, entryAt(t0)))
	kr.down.Store(true)
	require.NoError(t, c.Store().Put(ctx, inFile, entryAt(t0)))
	// The file entry can be cleared; the keyring one cannot, and says so.
	n, err := c.Clear(ctx, "")
	assert.Equal(t, 1, n, "Clear with the keyring down")
	assert.ErrorContains(t, err, inKeyring, "Clear with the keyring down; want an error naming the keyring entry")
	infos, _ := c.List(ctx)
	if assert.Len(t, infos, 1, "List, want the keyring entry still listed") {
		assert.Equal(t, inKeyring, infos[0].Key, "List, want the keyring entry still listed")
	}
	kr.down.Store(false)
	n, err = c.Clear(ctx, "")
	assert.NoError(t, err, "Clear with the keyring back")
	assert.Equal(t, 1, n, "Clear with the keyring back")
	assert.Empty(t, kr.users(DefaultKeyringService), "keyring items left")
}

// TestKeyringDoesNotShadowANewerFileCopy: an entry replaced while the
// keyring was down lives in the file; when the keyring is back, its older
// item must not be served instead (a `docker login` with a new password
// made while the keyring was locked would silently go back to the old one).
func TestKeyringDoesNotShadowANewerFileCopy(t *testing.T) {
	kr := &flakyKeyring{memKeyring: newMemKeyring(0)}
	dir := t.TempDir()
	clock := testkit.NewClock(t0)
	run := func() *Cache {
		log, _ := testkit.DebugLogger()
		c, err := Open(Options{Kind: KindAuto, Dir: dir, LookupEnv: withBus(), Keyring: kr, Now: clock.Now, Logger: log})
		require.NoError(t, err)
		return c
	}
	ctx, key := context.Background(), testKey("k")
	old := entryAt(t0)
	old.Username = "old"
	require.NoError(t, run().Store().Put(ctx, key, old))

	kr.down.Store(true)
	newer := entryAt(t0.Add(time.Hour))
	newer.Username = "new"
	require.NoError(t, run().Store().Put(ctx, key, newer), "Put with the keyring down")

	kr.down.Store(false)
	got, ok, err := run().Store().Get(ctx, key)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "new", got.Username, "the keyring's older item was served over the file's newer one")
}
