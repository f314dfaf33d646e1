package cache

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
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
	run := func() (*Cache, *logBuf) { // one helper invocation
		log, logs := newLog()
		c, err := Open(Options{Kind: KindAuto, Dir: dir, LookupEnv: withBus(), Keyring: kr, Now: newClock().Now, Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		return c, logs
	}
	ctx, key := context.Background(), testKey("k")
	tokenFile := filepath.Join(dir, "tokens", key+".json")

	kr.down.Store(true)
	c, logs := run()
	if err := c.Store().Put(ctx, key, entryAt(t0)); err != nil {
		t.Fatalf("Put with the keyring down: %v", err)
	}
	if _, err := os.Stat(tokenFile); err != nil {
		t.Fatalf("no file written while the keyring was down: %v", err)
	}
	calls := kr.calls.Load()
	if got, ok, err := c.Store().Get(ctx, key); !ok || err != nil || got.Secret != testSecret {
		t.Fatalf("Get with the keyring down = ok %v, err %v", ok, err)
	}
	if kr.calls.Load() != calls {
		t.Error("the keyring was asked again in the run it failed in")
	}
	if n := strings.Count(logs.String(), "keyring failed; using the file cache"); n != 1 {
		t.Errorf("%d fallback warnings, want 1; log:\n%s", n, logs)
	}
	if !strings.Contains(logs.String(), "ServiceUnknown") {
		t.Errorf("warning does not say why the keyring failed; log:\n%s", logs)
	}
	assertNoSecret(t, "log", logs.String())

	// The keyring is back for the next run: the entry written to the
	// file is still served (keyring miss → file), and the next Put moves
	// it to the keyring.
	kr.down.Store(false)
	c, logs = run()
	if _, ok, _ := c.Store().Get(ctx, key); !ok {
		t.Error("the file copy was not served after the keyring came back")
	}
	if err := c.Store().Put(ctx, key, entryAt(t0)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tokenFile); !os.IsNotExist(err) {
		t.Errorf("the file copy survived a keyring write: %v", err)
	}
	infos, _ := c.List(ctx)
	if len(infos) != 1 || infos[0].Store != KindKeyring {
		t.Errorf("List = %+v, want one keyring entry", infos)
	}
	if logs.String() != "" {
		t.Errorf("warnings with a working keyring:\n%s", logs)
	}
}

func TestKeyringHangFallsBackToFile(t *testing.T) {
	hung := hungKeyring{release: make(chan struct{})}
	t.Cleanup(func() { close(hung.release) })
	log, logs := newLog()
	c, err := Open(Options{Kind: KindAuto, Dir: t.TempDir(), LookupEnv: withBus(), Keyring: hung,
		KeyringTimeout: 10 * time.Millisecond, Now: newClock().Now, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	s, ctx, key := c.Store(), context.Background(), testKey("k")
	if err := s.Put(ctx, key, entryAt(t0)); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.Get(ctx, key); !ok || err != nil {
		t.Fatalf("Get = ok %v, err %v", ok, err)
	}
	if !strings.Contains(logs.String(), "no answer") {
		t.Errorf("no warning about the unanswered keyring; log:\n%s", logs)
	}
}

func TestKeyringListReadsOnlyTheIndex(t *testing.T) {
	kr := newMemKeyring(0)
	c, _ := openKeyring(t, kr, 0)
	ctx := context.Background()
	for _, name := range []string{"a", "b"} {
		e := entryAt(t0)
		e.Registry = name + ".example.com"
		if err := c.Store().Put(ctx, testKey(name), e); err != nil {
			t.Fatal(err)
		}
	}
	before := kr.calls.Load()
	infos, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if kr.calls.Load() != before {
		t.Errorf("List made %d keyring calls", kr.calls.Load()-before)
	}
	if len(infos) != 2 || infos[0].Registry != "a.example.com" || infos[1].Registry != "b.example.com" {
		t.Errorf("List = %+v", infos)
	}
	// The index (and anything else on disk) holds no secret.
	assertDisk(t, c.Store().(*fallbackStore).keyring.index.root.Path(), false)
}

func TestKeyringDeleteWhenUnreachable(t *testing.T) {
	kr := &flakyKeyring{memKeyring: newMemKeyring(0)}
	c, _ := openKeyring(t, kr, 0)
	ctx := context.Background()
	inKeyring, inFile := testKey("keyring"), testKey("file")
	if err := c.Store().Put(ctx, inKeyring, entryAt(t0)); err != nil {
		t.Fatal(err)
	}
	kr.down.Store(true)
	if err := c.Store().Put(ctx, inFile, entryAt(t0)); err != nil {
		t.Fatal(err)
	}
	// The file entry can be cleared; the keyring one cannot, and says so.
	n, err := c.Clear(ctx, "")
	if n != 1 || err == nil || !strings.Contains(err.Error(), inKeyring) {
		t.Errorf("Clear with the keyring down = %d, %v; want 1 and an error naming %s", n, err, inKeyring)
	}
	infos, _ := c.List(ctx)
	if len(infos) != 1 || infos[0].Key != inKeyring {
		t.Errorf("List = %+v, want the keyring entry still listed", infos)
	}
	kr.down.Store(false)
	if n, err := c.Clear(ctx, ""); n != 1 || err != nil {
		t.Errorf("Clear with the keyring back = %d, %v", n, err)
	}
	if u := kr.users(DefaultKeyringService); len(u) != 0 {
		t.Errorf("keyring items left: %v", u)
	}
}
