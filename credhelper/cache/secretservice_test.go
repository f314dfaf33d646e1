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

	"github.com/regcred/regcred/credhelper/cache/oskeyring"
	"github.com/regcred/regcred/internal/testkit"
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
			require.Failf(t, "no Secret Service", "%s; in CI the keyring tests must run under testdata/with-secret-service.sh", why)
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
	log, logs := testkit.DebugLogger()
	c, err := Open(Options{Kind: KindAuto, Dir: t.TempDir(), Keyring: oskeyring.System{}, KeyringService: svc, ChunkLimit: MinChunkLimit, Now: testkit.NewClock(t0).Now, Logger: log})
	require.NoError(t, err)
	require.Equal(t, KindKeyring, c.Name(), "auto's choice with a Secret Service running")
	ctx, key := context.Background(), testKey("big")
	t.Cleanup(func() { _, _ = c.Clear(ctx, "") })
	want := bigEntry("ss")
	require.NoError(t, c.Store().Put(ctx, key, want))
	got, ok, err := c.Store().Get(ctx, key)
	require.NoError(t, err, "Get; log:\n%s", logs)
	require.True(t, ok, "Get missed; log:\n%s", logs)
	assertEntry(t, got, want)
	assert.Empty(t, logs.String(), "the Secret Service was not used without complaint")

	// Read the items back with go-keyring itself: a chunk head under the
	// key, chunks under its generation, and the secret across them.
	head, err := kr.Get(svc, key)
	require.NoError(t, err, "no item in the Secret Service")
	h, ok := parseHead(head)
	require.True(t, ok && h.count >= 20, "item under the key is %q, want the head of a chunked value", head)
	var joined strings.Builder
	for i := range h.count {
		part, err := kr.Get(svc, chunkUser(key, h.gen, i))
		require.NoError(t, err, "chunk %d", i)
		joined.WriteString(part)
	}
	assert.True(t, strings.Contains(joined.String(), want.Secret.Reveal()), "the chunks do not hold the secret")

	require.NoError(t, c.Store().Delete(ctx, key))
	for _, user := range []string{key, chunkUser(key, h.gen, 0), chunkUser(key, h.gen, h.count-1)} {
		_, err := kr.Get(svc, user)
		assert.ErrorIs(t, err, fs.ErrNotExist, "item %s after Delete", user)
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
	assert.Equal(t, 1, f.backendCalls(t), "backend calls from 6 concurrent cold lookups")
	// The token went to the keyring, not to the file fallback.
	ents, _ := os.ReadDir(filepath.Join(f.dir, "cache", "tokens"))
	assert.Empty(t, ents, "token files written")
}
