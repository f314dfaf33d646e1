package cache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

// testKeyctl is the kernel's real key calls under a key name of the test's
// own (tests never touch the user's sealing key), with errors injected per
// call: "persistent", "search", "read" or "add".
type testKeyctl struct {
	real Keyctl
	name string
	fail map[string]error
}

// newTestKeyctl names a fresh key and unlinks it when the test ends.
func newTestKeyctl(t *testing.T, fail map[string]error) *testKeyctl {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	k := &testKeyctl{real: KernelKeyctl{}, name: "regcred:seal:test:" + hex.EncodeToString(b), fail: fail}
	t.Cleanup(func() { unlinkSealKey(t, k.name) })
	return k
}

func (k *testKeyctl) Persistent() (int, error) {
	if err := k.fail["persistent"]; err != nil {
		return 0, err
	}
	return k.real.Persistent()
}

func (k *testKeyctl) Search(ring int, desc string) (int, error) {
	if err := k.fail["search"]; err != nil {
		return 0, err
	}
	return k.real.Search(ring, k.rename(desc))
}

func (k *testKeyctl) Read(id int) ([]byte, error) {
	if err := k.fail["read"]; err != nil {
		return nil, err
	}
	return k.real.Read(id)
}

func (k *testKeyctl) Add(ring int, desc string, payload []byte) (int, error) {
	if err := k.fail["add"]; err != nil {
		return 0, err
	}
	return k.real.Add(ring, k.rename(desc), payload)
}

// rename maps the product's key name to the test's; anything else is a
// bug in the code under test, which must ask for its one key only.
func (k *testKeyctl) rename(desc string) string {
	if desc != SealKeyDescription {
		return "unexpected-key-name:" + desc
	}
	return k.name
}

// unlinkSealKey removes the named key from this user's persistent keyring,
// as a reboot or the keyring's expiry would.
func unlinkSealKey(t *testing.T, name string) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ring, err := KernelKeyctl{}.Persistent()
	require.NoError(t, err)
	id, err := KernelKeyctl{}.Search(ring, name)
	if errors.Is(err, unix.ENOKEY) {
		return
	}
	require.NoError(t, err)
	_, err = unix.KeyctlInt(unix.KEYCTL_UNLINK, id, ring, 0, 0)
	require.NoError(t, err)
}

// needKeyrings skips where the kernel itself has no persistent keyrings
// (the tests below are about this store on a kernel that has them).
func needKeyrings(t *testing.T) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if _, err := (KernelKeyctl{}).Persistent(); err != nil {
		t.Skipf("no persistent keyring here: %v", err)
	}
}

func TestSealedStores(t *testing.T) {
	needKeyrings(t)
	tests := []storeCase{
		{name: "sealed", opts: Options{Kind: KindSealed, Keyctl: newTestKeyctl(t, nil)}, wantStore: KindSealed},
		{name: "auto seals before the Secret Service", opts: Options{Kind: KindAuto, LookupEnv: withBus(), Keyring: newMemKeyring(0), Keyctl: newTestKeyctl(t, nil)}, wantStore: KindSealed},
		{name: "auto seals before the file", opts: Options{Kind: KindAuto, Keyctl: newTestKeyctl(t, nil)}, wantStore: KindSealed},
		{name: "auto, key calls refused: file", opts: Options{Kind: KindAuto, Keyctl: newTestKeyctl(t, map[string]error{"persistent": unix.EPERM})}, wantStore: KindFile, secretOnDisk: true},
		{name: "auto, quota full: Secret Service", opts: Options{Kind: KindAuto, LookupEnv: withBus(), Keyring: newMemKeyring(0), Keyctl: newTestKeyctl(t, map[string]error{"add": unix.EDQUOT})}, wantStore: KindKeyring},
	}
	for _, sc := range tests {
		t.Run(sc.name, func(t *testing.T) { testStore(t, sc) })
	}
}

// sealedHarness is a sealed-store cache on the real kernel keyring.
func sealedHarness(t *testing.T, kc Keyctl, dir string) harness {
	t.Helper()
	return newHarness(t, Options{Kind: KindSealed, Dir: dir, Keyctl: kc})
}

func sealedFile(dir string) string {
	return filepath.Join(dir, tokensDir, testItem().Key+sealedSuffix)
}

func TestSealedRoundTripAcrossProcessesOfTheUser(t *testing.T) {
	needKeyrings(t)
	kc, dir := newTestKeyctl(t, nil), t.TempDir()
	h := sealedHarness(t, kc, dir)
	b := (&backend{}).then(token(t0), nil)
	_, outcome, err := h.get(t, b)
	require.NoError(t, err)
	require.Equal(t, Fetched, outcome)

	// Another Cache (another run of the helper) opens it with the key the
	// kernel keeps.
	again := sealedHarness(t, kc, dir)
	cred, outcome, err := again.get(t, b)
	require.NoError(t, err)
	assert.Equal(t, Hit, outcome)
	assert.Equal(t, testSecret, cred.Secret.Reveal())
	assert.EqualValues(t, 1, b.calls.Load(), "backend calls")

	data, err := os.ReadFile(sealedFile(dir))
	require.NoError(t, err)
	testkit.AssertNoSecret(t, "sealed record", string(data), testSecret)
	assert.Contains(t, string(data), itemRegistry, "the clear header names the registry, for cache list")
}

func TestSealedRecordAfterTheKeyIsGone(t *testing.T) {
	needKeyrings(t)
	kc, dir := newTestKeyctl(t, nil), t.TempDir()
	b := (&backend{}).then(token(t0), nil).then(providers.Credential{Username: "AWS", Secret: "second-" + testSecret, ExpiresAt: t0.Add(12 * time.Hour)}, nil)
	_, _, err := sealedHarness(t, kc, dir).get(t, b)
	require.NoError(t, err)

	unlinkSealKey(t, kc.name) // a reboot, or the keyring unused for days
	h := sealedHarness(t, kc, dir)
	infos, err := h.c.List(context.Background())
	require.NoError(t, err)
	require.Len(t, infos, 1, "a record sealed under a lost key is still listed, so it can be cleared")
	cred, outcome, err := h.get(t, b)
	require.NoError(t, err)
	assert.Equal(t, Fetched, outcome, "a record whose key is gone is absent: fetched again")
	assert.Equal(t, "second-"+testSecret, cred.Secret.Reveal())
	assert.Contains(t, h.logs.String(), "its key is gone")
	assert.NotContains(t, h.logs.String(), "level=WARN", "a lost key is routine after a reboot")

	// Re-sealed under a new key: the next run reads it.
	cred, outcome, err = sealedHarness(t, kc, dir).get(t, b)
	require.NoError(t, err)
	assert.Equal(t, Hit, outcome)
	assert.Equal(t, "second-"+testSecret, cred.Secret.Reveal())
	assert.EqualValues(t, 2, b.calls.Load())
}

func TestSealedRecordRefusedUnderAnotherName(t *testing.T) {
	needKeyrings(t)
	ctx := context.Background()
	tests := []struct {
		name string
		// move turns the record stored under from into what is read under to.
		move func(t *testing.T, from, to string)
	}{
		{name: "renamed to another key", move: func(t *testing.T, from, to string) { require.NoError(t, os.Rename(from, to)) }},
		{name: "copied to another key", move: func(t *testing.T, from, to string) { testkit.CopyFile(t, from, to, 0o600) }},
		{name: "header edited to another registry, same name", move: func(t *testing.T, from, to string) {
			data, err := os.ReadFile(from)
			require.NoError(t, err)
			edited := strings.Replace(string(data), itemRegistry, "123456789013.dkr.ecr.eu-west-1.amazonaws.com", 1)
			require.NotEqual(t, string(data), edited)
			require.NoError(t, os.WriteFile(to, []byte(edited), 0o600))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kc, dir := newTestKeyctl(t, nil), t.TempDir()
			h := sealedHarness(t, kc, dir)
			s := h.c.Store()
			a, b := testKey("a"), testKey("b")
			if strings.Contains(tt.name, "same name") {
				b = a
			}
			require.NoError(t, s.Put(ctx, a, entryAt(t0)))
			tt.move(t, filepath.Join(dir, tokensDir, a+sealedSuffix), filepath.Join(dir, tokensDir, b+sealedSuffix))
			_, ok, err := s.Get(ctx, b)
			require.NoError(t, err)
			assert.False(t, ok, "a record moved to another name must not open")
			assert.Contains(t, h.logs.String(), "does not open under this name")
		})
	}
}

// A copied cache directory (a backup, a home copied to another machine)
// holds no usable token: the bytes hold no secret, and without the key the
// kernel keeps the record is absent.
func TestCopiedSealedCacheHoldsNoToken(t *testing.T) {
	needKeyrings(t)
	kc, dir := newTestKeyctl(t, nil), t.TempDir()
	_, _, err := sealedHarness(t, kc, dir).get(t, (&backend{}).then(token(t0), nil))
	require.NoError(t, err)
	assertDisk(t, dir, false)

	backup := t.TempDir()
	require.NoError(t, os.CopyFS(backup, os.DirFS(dir)))
	// Modes as a careful restore keeps them (os.CopyFS does not).
	require.NoError(t, os.Chmod(filepath.Join(backup, tokensDir), 0o700))
	require.NoError(t, os.Chmod(sealedFile(backup), 0o600))
	elsewhere := newTestKeyctl(t, nil) // another machine's (or user's) key
	h := sealedHarness(t, elsewhere, backup)
	_, _, err = h.get(t, (&backend{}).then(providers.Credential{}, errors.New("fetch refused: the test wants a miss only")))
	require.Error(t, err, "the copy must not answer")
	assert.Contains(t, h.logs.String(), "its key is gone")
}

func TestSealedFallbackReasons(t *testing.T) {
	needKeyrings(t)
	tests := []struct {
		name     string
		fail     map[string]error
		want     string // in the debug line
		wantNext string
	}{
		{name: "seccomp refuses keyctl", fail: map[string]error{"persistent": unix.EPERM}, want: "refused (a seccomp filter", wantNext: KindFile},
		{name: "no key syscalls", fail: map[string]error{"persistent": unix.ENOSYS}, want: "no key management", wantNext: KindFile},
		{name: "no persistent keyrings", fail: map[string]error{"persistent": unix.EOPNOTSUPP}, want: "CONFIG_PERSISTENT_KEYRINGS", wantNext: KindFile},
		{name: "quota full", fail: map[string]error{"add": unix.EDQUOT}, want: "quota is full", wantNext: KindFile},
		{name: "search refused", fail: map[string]error{"search": unix.EACCES}, want: "refused", wantNext: KindFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			h := newHarness(t, Options{Kind: KindAuto, Dir: dir, Keyctl: newTestKeyctl(t, tt.fail)})
			b := (&backend{}).then(token(t0), nil)
			_, outcome, err := h.get(t, b)
			require.NoError(t, err)
			require.Equal(t, Fetched, outcome)
			assert.Equal(t, tt.wantNext, h.c.Name(), "store after the fallback")
			logs := h.logs.String()
			assert.Equal(t, 1, strings.Count(logs, "sealed token store unavailable"), "one debug line per run; log:\n%s", logs)
			assert.Contains(t, logs, "level=DEBUG msg=\"sealed token store unavailable")
			assert.Contains(t, logs, tt.want)
			assert.NoFileExists(t, sealedFile(dir))

			// Nothing lost: the next run (same failure) serves it.
			again := newHarness(t, Options{Kind: KindAuto, Dir: dir, Keyctl: newTestKeyctl(t, tt.fail)})
			cred, outcome, err := again.get(t, b)
			require.NoError(t, err)
			assert.Equal(t, Hit, outcome)
			assert.Equal(t, testSecret, cred.Secret.Reveal())
		})
	}
}

func TestSealedAloneWhenUnavailable(t *testing.T) {
	_, err := Open(Options{Kind: KindSealed, Dir: t.TempDir(), Keyctl: newTestKeyctl(t, map[string]error{"persistent": unix.EPERM})})
	require.ErrorIs(t, err, ErrSealUnavailable)
	assert.Contains(t, err.Error(), "seccomp")
	assert.Contains(t, err.Error(), "use auto or file")

	_, err = Open(Options{Kind: KindSealed, Dir: t.TempDir()})
	require.ErrorIs(t, err, ErrSealUnavailable, "a program without the kernel calls")
}

// Once sealing works again, the sealed copy replaces the file copy a
// fallback left, so the secret lives in one place.
func TestSealedPutRemovesTheFallbackCopy(t *testing.T) {
	needKeyrings(t)
	dir := t.TempDir()
	ctx := context.Background()
	refused := newHarness(t, Options{Kind: KindAuto, Dir: dir, Keyctl: newTestKeyctl(t, map[string]error{"persistent": unix.EPERM})})
	require.NoError(t, refused.c.Store().Put(ctx, testItem().Key, entryAt(t0)))
	plain := filepath.Join(dir, tokensDir, testItem().Key+".json")
	require.FileExists(t, plain)

	h := newHarness(t, Options{Kind: KindAuto, Dir: dir, Keyctl: newTestKeyctl(t, nil)})
	e, ok, err := h.c.Store().Get(ctx, testItem().Key)
	require.NoError(t, err)
	require.True(t, ok, "the file copy is read behind a sealed miss")
	require.NoError(t, h.c.Store().Put(ctx, testItem().Key, e))
	assert.NoFileExists(t, plain)
	assert.FileExists(t, sealedFile(dir))
	n, err := h.c.Clear(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.NoFileExists(t, sealedFile(dir))
}

// With sealing working, a cold get asks the Secret Service nothing: its
// index says it holds no such key. An entry it does hold (from before
// sealing) is still served, and moves into the sealed store when written.
func TestSealedFirstAsksTheSecretServiceOnlyForWhatItHolds(t *testing.T) {
	needKeyrings(t)
	ctx := context.Background()
	kr, dir := newMemKeyring(0), t.TempDir()
	old := newHarness(t, Options{Kind: KindKeyring, Dir: dir, LookupEnv: withBus(), Keyring: kr})
	held := testKey("held")
	require.NoError(t, old.c.Store().Put(ctx, held, entryAt(t0)))

	h := newHarness(t, Options{Kind: KindAuto, Dir: dir, LookupEnv: withBus(), Keyring: kr, Keyctl: newTestKeyctl(t, nil)})
	before := kr.calls.Load()
	_, ok, err := h.c.Store().Get(ctx, testKey("cold"))
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, before, kr.calls.Load(), "keyring calls for a key the Secret Service does not hold")

	e, ok, err := h.c.Store().Get(ctx, held)
	require.NoError(t, err)
	require.True(t, ok, "an entry the Secret Service holds is served")
	require.NoError(t, h.c.Store().Put(ctx, held, e))
	assert.Empty(t, kr.users(DefaultKeyringService), "the Secret Service copy is removed once sealed")
	assert.FileExists(t, filepath.Join(dir, tokensDir, held+sealedSuffix))
}

// Processes making the first key at once agree on one: the kernel refuses
// to displace a key of the name (KEYCTL_MOVE_EXCL), and the loser reads
// the winner's. With add_key alone the last writer would win and every
// record sealed under the other key would be fetched again.
func TestSealKeyCreationRace(t *testing.T) {
	needKeyrings(t)
	kc := newTestKeyctl(t, nil)
	const n = 8
	keys := make([][]byte, n)
	errs := make([]error, n)
	start := make(chan struct{})
	done := make(chan int)
	for i := range n {
		go func() {
			<-start
			s := newSealKeys(kc)
			keys[i], errs[i] = s.create() // each past its load, as when all found none
			done <- i
		}()
	}
	close(start)
	for range n {
		<-done
	}
	final, err := newSealKeys(kc).load()
	require.NoError(t, err)
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, final, keys[i], "creator %d sealed under a key the keyring does not hold", i)
	}
}
