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

	"github.com/regcred/regcred/credhelper/cache/oskeyring"
)

// These tests use the real Secret Service (gnome-keyring). make test runs
// them under their own session bus with an unlocked keyring:
//
//	credhelper/cache/testdata/with-secret-service.sh go test -race -run Keyring ./credhelper/cache/
//
// Without one they skip, except in CI (CI=true), where a skipped keyring
// test would pass a build that never tested the keyring.

// requireSecretService returns the real keyring, or skips (fails in CI).
func requireSecretService(t *testing.T) Keyring {
	t.Helper()
	if !usesDBus(goosForTest()) {
		t.Skip("the Secret Service is the Linux and BSD keyring")
	}
	why := ""
	kr, ok := Options{LookupEnv: os.LookupEnv, Keyring: oskeyring.System{}}.keyring(goosForTest())
	if !ok {
		why = "no D-Bus session bus"
	} else if err := probeKeyring(kr); err != nil {
		why = "the Secret Service does not work: " + err.Error()
	}
	if why != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s; in CI the keyring tests must run under testdata/with-secret-service.sh", why)
		}
		t.Skipf("%s; run under testdata/with-secret-service.sh", why)
	}
	return kr
}

func probeKeyring(kr Keyring) error {
	b := boundedKeyring{k: kr, timeout: 10 * time.Second}
	ctx := context.Background()
	svc := fmt.Sprintf("regcred-test-probe-%d", os.Getpid())
	if err := b.set(ctx, svc, "probe", "value"); err != nil {
		return err
	}
	defer b.delete(ctx, svc, "probe")
	if v, err := b.get(ctx, svc, "probe"); err != nil || v != "value" {
		return fmt.Errorf("read back %q, %v", v, err)
	}
	return nil
}

// testService is a service name of this test's own, so parallel runs and a
// developer's real items never meet.
func testService(t *testing.T) string {
	return fmt.Sprintf("regcred-test-%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), os.Getpid())
}

func TestKeyringSecretServiceStore(t *testing.T) {
	requireSecretService(t)
	testStore(t, storeCase{name: "secret service", wantStore: KindKeyring,
		opts: Options{Kind: KindKeyring, Keyring: oskeyring.System{}, KeyringService: testService(t)}})
}

func TestKeyringSecretServiceHoldsTheItems(t *testing.T) {
	kr := requireSecretService(t)
	svc := testService(t)
	log, logs := newLog()
	c, err := Open(Options{Kind: KindAuto, Dir: t.TempDir(), Keyring: oskeyring.System{}, KeyringService: svc, ChunkLimit: MinChunkLimit, Now: newClock().Now, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != KindKeyring {
		t.Fatalf("auto chose %s with a Secret Service running", c.Name())
	}
	ctx, key := context.Background(), testKey("big")
	t.Cleanup(func() { _, _ = c.Clear(ctx, "") })
	want := bigEntry("ss")
	if err := c.Store().Put(ctx, key, want); err != nil {
		t.Fatal(err)
	}
	got, ok, err := c.Store().Get(ctx, key)
	if !ok || err != nil {
		t.Fatalf("Get = ok %v, err %v; log:\n%s", ok, err, logs)
	}
	assertEntry(t, got, want)
	if logs.String() != "" {
		t.Errorf("the Secret Service was not used without complaint:\n%s", logs)
	}

	// Read the items back with go-keyring itself: a chunk head under the
	// key, chunks under its generation, and the secret across them.
	head, err := kr.Get(svc, key)
	if err != nil {
		t.Fatalf("no item in the Secret Service: %v", err)
	}
	h, ok := parseHead(head)
	if !ok || h.count < 20 {
		t.Fatalf("item under the key is %q, want the head of a chunked value", head)
	}
	var joined strings.Builder
	for i := range h.count {
		part, err := kr.Get(svc, chunkUser(key, h.gen, i))
		if err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
		joined.WriteString(part)
	}
	if !strings.Contains(joined.String(), want.Secret.Reveal()) {
		t.Error("the chunks do not hold the secret")
	}

	if err := c.Store().Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{key, chunkUser(key, h.gen, 0), chunkUser(key, h.gen, h.count-1)} {
		if _, err := kr.Get(svc, user); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("item %s after Delete: %v", user, err)
		}
	}
}

func TestKeyringSecretServiceSingleFlight(t *testing.T) {
	requireSecretService(t)
	svc := testService(t)
	f := newFlight(t, KindKeyring, svc)
	t.Cleanup(func() {
		if c, err := Open(Options{Kind: KindKeyring, Dir: filepath.Join(f.dir, "cache"), Keyring: oskeyring.System{}, KeyringService: svc}); err == nil {
			_, _ = c.Clear(context.Background(), "")
		}
	})
	f.race(t, 6, nil)
	if n := f.backendCalls(t); n != 1 {
		t.Errorf("%d backend calls from 6 concurrent cold lookups, want 1", n)
	}
	// The token went to the keyring, not to the file fallback.
	if ents, _ := os.ReadDir(filepath.Join(f.dir, "cache", "tokens")); len(ents) != 0 {
		t.Errorf("token files written: %v", ents)
	}
}
