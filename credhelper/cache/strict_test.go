package cache

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
			if err := os.WriteFile(filepath.Join(dir, indexDir, key+".json"), []byte("{trunc"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kr, dir := newMemKeyring(0), t.TempDir()
			log, _ := newLog()
			c, err := Open(Options{Kind: KindKeyring, Dir: dir, LookupEnv: withBus(), Keyring: kr, Now: newClock().Now, Logger: log, StrictRecords: true})
			if err != nil {
				t.Fatal(err)
			}
			s, ctx, key := c.Store(), context.Background(), testKey("login")
			if err := s.Put(ctx, key, entryAt(t0)); err != nil {
				t.Fatal(err)
			}
			tt.damage(t, kr, dir, key)
			_, ok, err := s.Get(ctx, key)
			if tt.get && (ok || !errors.Is(err, ErrDamaged)) {
				t.Errorf("Get = ok %v, err %v; want ErrDamaged", ok, err)
			}
			infos, err := s.List(ctx)
			if err != nil || len(infos) != 1 || (!tt.get && infos[0].Damaged == "") {
				t.Errorf("List = %+v, %v; want the one entry%s", infos, err, map[bool]string{false: ", marked damaged"}[tt.get])
			}
			if tt.get {
				return
			}
			if !strings.Contains(infos[0].Damaged, filepath.Join(dir, indexDir)) {
				t.Errorf("damage %q does not name the index file", infos[0].Damaged)
			}
		})
	}
}
