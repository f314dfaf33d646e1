package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

// TestFetchSealsWhereTheSecretServiceIsBehind: with `store: auto` and a
// session bus advertised (the desktop default), the engine seals while
// the kernel holds the key, and so does the fetcher: a token gone from the
// sealed store is renewed alone, sealed. A copy the Secret Service's index
// names (a run where sealing failed) is the engine's to replace.
func TestFetchSealsWhereTheSecretServiceIsBehind(t *testing.T) {
	testkit.SkipWithoutPersistentKeyring(t)
	w := newFetchWorld(t, "auto")
	w.env = append(w.env, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	rt := w.record(t)
	assert.Equal(t, "ecr", routeField(t, rt, "fetchKind"), "the route holds no recipe")
	record := onlyTokenRecord(t, w.dir)
	require.Equal(t, ".sealed", filepath.Ext(record), "the engine did not seal the token")
	require.NoError(t, os.Remove(record))

	renewed := w.fresh(t, w.withoutEngine(t, w.env), w.keys)
	assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls: the engine's, the fetcher's")
	assert.Equal(t, record, onlyTokenRecord(t, w.dir), "the fetcher's token is not sealed under the key")
	assert.Equal(t, renewed, w.answered(t, w.withoutEngine(t, w.env), w.keys), "the get after the fetcher's: want its token, sealed")

	key := strings.TrimSuffix(filepath.Base(record), ".sealed")
	index := filepath.Join(w.dir, "keyring-index")
	require.NoError(t, os.MkdirAll(index, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(index, key+".json"), []byte("{}"), 0o600))
	require.NoError(t, os.Remove(record))
	w.in.checkHandedOff(t, w.withoutEngine(t, w.env))
	assert.Equal(t, 2, w.calls(), "GetAuthorizationToken calls with a Secret Service copy named and no engine")
}
