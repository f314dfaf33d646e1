package cache

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

// TestStrictStoresReportDamage: a store opened with StrictRecords (the
// login store) returns ErrDamaged for a keyring item or index file that
// exists and cannot be read, where the token cache takes it for a miss;
// List shows a damaged index file instead of dropping the entry.
func TestStrictStoresReportDamage(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, kr *memKeyring, dir, key string)
		get    bool // Get must report it (else only List)
	}{
		{name: "keyring item not a record", get: true, damage: func(_ *testing.T, kr *memKeyring, _, key string) {
			_ = kr.Set(DefaultKeyringService, key, "hunter2")
		}},
		{name: "keyring item written for another key", get: true, damage: func(_ *testing.T, kr *memKeyring, _, key string) {
			data, _ := encodeRecord(testKey("other"), entryAt(t0))
			_ = kr.Set(DefaultKeyringService, key, string(data))
		}},
		{name: "keyring index file corrupt", damage: func(t *testing.T, _ *memKeyring, dir, key string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, indexDir, key+".json"), []byte("{trunc"), 0o600))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kr, dir := newMemKeyring(0), t.TempDir()
			log, _ := testkit.DebugLogger()
			c, err := Open(Options{Kind: KindKeyring, Dir: dir, LookupEnv: withBus(), Keyring: kr, Now: testkit.NewClock(t0).Now, Logger: log, StrictRecords: true})
			require.NoError(t, err)
			s, ctx, key := c.Store(), context.Background(), testKey("login")
			require.NoError(t, s.Put(ctx, key, entryAt(t0)))
			tt.damage(t, kr, dir, key)
			_, ok, err := s.Get(ctx, key)
			if tt.get {
				assert.False(t, ok, "Get; want ErrDamaged")
				assert.ErrorIs(t, err, ErrDamaged, "Get")
			}
			infos, err := s.List(ctx)
			assert.NoError(t, err, "List")
			require.Len(t, infos, 1, "List; want the one entry")
			if tt.get {
				return
			}
			assert.NotEmpty(t, infos[0].Damaged, "List = %+v; want the entry marked damaged", infos)
			assert.Contains(t, infos[0].Damaged, filepath.Join(dir, indexDir), "damage does not name the index file")
		})
	}
}
