package fetch

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"

	"github.com/regcred/regcred/credhelper/cache"
)

// withKernelKeys gives f the real kernel key calls, or skips where the
// persistent keyring cannot be had.
func withKernelKeys(t *testing.T, f *fixture) Renewer {
	t.Helper()
	testkit.SkipWithoutPersistentKeyring(t)
	r := f.renewer()
	r.Keyctl = cache.SystemKeyctl()
	return r
}

// TestRenewSealsWhereAutoHasTheSecretServiceBehind: `auto` on a desktop
// (a session bus) seals while the kernel holds the key, as the engine
// does: the fetcher renews into the sealed store alone.
func TestRenewSealsWhereAutoHasTheSecretServiceBehind(t *testing.T) {
	f := newFixture(t, cache.KindAuto)
	f.env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/run/user/1000/bus"
	r := withKernelKeys(t, f)
	cred, ok := renewAsHandedOn(t.Context(), r, f.root, f.rt, f.t)
	require.True(t, ok)
	assert.Equal(t, "fresh-token", cred.Secret.Reveal())
	assert.Equal(t, 1, f.fake.calls)
	sealed, err := filepath.Glob(filepath.Join(f.dir, "tokens", "*.sealed"))
	require.NoError(t, err)
	assert.Len(t, sealed, 1, "the renewed token is not sealed")
	plain, err := filepath.Glob(filepath.Join(f.dir, "tokens", "*.json"))
	require.NoError(t, err)
	assert.Empty(t, plain, "a plain record was written beside the sealed one")
}

// TestRenewLeavesASecretServiceCopyToTheEngine: where the keyring index
// says the Secret Service holds the key's token (a run where sealing
// failed), the engine, which can replace it, renews.
func TestRenewLeavesASecretServiceCopyToTheEngine(t *testing.T) {
	f := newFixture(t, cache.KindAuto)
	f.env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/run/user/1000/bus"
	r := withKernelKeys(t, f)
	index := filepath.Join(f.dir, "keyring-index")
	require.NoError(t, os.MkdirAll(index, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(index, f.rt.TokenKey+".json"), []byte("{}"), 0o600))
	root, err := cache.OpenRoot(f.dir) // opened as the fetcher opens it: the directory there
	require.NoError(t, err)
	_, ok := renewAsHandedOn(t.Context(), r, root, f.rt, f.t)
	assert.False(t, ok)
	assert.Zero(t, f.fake.calls)
}
