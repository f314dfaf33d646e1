package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestFetchLeavesKeyringStoresToTheEngine: with `store: auto` and a
// session bus advertised, the engine may fall back to the Secret Service,
// which the fetcher does not link: a token gone from the sealed store is
// the engine's to fetch again, even though the route has a recipe.
func TestFetchLeavesKeyringStoresToTheEngine(t *testing.T) {
	if _, err := unix.KeyctlInt(unix.KEYCTL_GET_PERSISTENT, -1, unix.KEY_SPEC_PROCESS_KEYRING, 0, 0); err != nil {
		t.Skipf("no persistent keyring here: %v", err)
	}
	w := newFetchWorld(t, "auto")
	w.env = append(w.env, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	rt := w.record(t)
	assert.Equal(t, "ecr", routeField(t, rt, "fetchKind"), "the route holds no recipe")
	record := onlyTokenRecord(t, w.dir)
	require.Equal(t, ".sealed", filepath.Ext(record), "the engine did not seal the token")
	require.NoError(t, os.Remove(record))

	w.in.checkHandedOff(t, w.withoutEngine(t, w.env))
	assert.Equal(t, 1, w.calls(), "GetAuthorizationToken calls with a keyring in play and no engine")
	res := w.get(t, w.env)
	renewed := w.fresh(t, res, w.keys)
	assert.Empty(t, res.Stderr, "the engine's get: stderr")
	assert.Equal(t, renewed, w.answered(t, w.withoutEngine(t, w.env), w.keys), "the get after the engine's: want its token, sealed")
	assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls")
}
