package cache

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/syncbuf"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

func openFile(t *testing.T) (*fileStore, *syncbuf.Buffer) {
	t.Helper()
	log, logs := testkit.DebugLogger()
	c, err := Open(Options{Kind: KindFile, Dir: t.TempDir(), Now: testkit.NewClock(t0).Now, Logger: log})
	require.NoError(t, err)
	return c.Store().(*fileStore), logs
}

func TestFileStoreIgnoresUntrustedFiles(t *testing.T) {
	write := func(data string, mode os.FileMode) func(*testing.T, *fileStore, string, []byte) {
		return func(t *testing.T, s *fileStore, path string, _ []byte) {
			require.NoError(t, os.WriteFile(path, []byte(data), mode))
			require.NoError(t, os.Chmod(path, mode))
		}
	}
	edit := func(f func(string) string) func(*testing.T, *fileStore, string, []byte) {
		return func(t *testing.T, s *fileStore, path string, valid []byte) {
			write(f(string(valid)), 0o600)(t, s, path, valid)
		}
	}
	tests := []struct {
		name   string
		mangle func(t *testing.T, s *fileStore, path string, valid []byte)
		// dir: a directory stands where the file should; it cannot be
		// replaced by a rename, only ignored.
		dir bool
	}{
		{name: "corrupt", mangle: write("not json {", 0o600)},
		{name: "empty", mangle: write("", 0o600)},
		{name: "truncated", mangle: edit(func(v string) string { return v[:len(v)/2] })},
		{name: "another format version", mangle: edit(func(v string) string { return strings.Replace(v, `"v":1`, `"v":2`, 1) })},
		{name: "unknown field", mangle: edit(func(v string) string { return strings.Replace(v, `{`, `{"extra":true,`, 1) })},
		{name: "trailing data", mangle: edit(func(v string) string { return v + "}" })},
		{name: "no expiry", mangle: edit(func(v string) string {
			i := strings.Index(v, `"expiresAt":"`) + len(`"expiresAt":"`)
			j := i + strings.Index(v[i:], `"`)
			return v[:i] + "0001-01-01T00:00:00Z" + v[j:]
		})},
		{name: "written for another key", mangle: func(t *testing.T, s *fileStore, path string, _ []byte) {
			data, err := encodeRecord(testKey("other"), entryAt(t0))
			require.NoError(t, err)
			write(string(data), 0o600)(t, s, path, nil)
		}},
		{name: "larger than any record", mangle: edit(func(v string) string { return v + strings.Repeat(" ", maxRecord) })},
		{name: "world-readable", mangle: func(t *testing.T, s *fileStore, path string, valid []byte) {
			write(string(valid), 0o644)(t, s, path, valid)
		}},
		{name: "group-writable", mangle: func(t *testing.T, s *fileStore, path string, valid []byte) {
			write(string(valid), 0o620)(t, s, path, valid)
		}},
		{name: "other-writable", mangle: func(t *testing.T, s *fileStore, path string, valid []byte) {
			write(string(valid), 0o602)(t, s, path, valid)
		}},
		{name: "symlink to a valid record", mangle: func(t *testing.T, s *fileStore, path string, valid []byte) {
			target := filepath.Join(t.TempDir(), "elsewhere.json")
			write(string(valid), 0o600)(t, s, target, valid)
			require.NoError(t, os.Remove(path))
			require.NoError(t, os.Symlink(target, path))
		}},
		{name: "a directory", dir: true, mangle: func(t *testing.T, s *fileStore, path string, _ []byte) {
			require.NoError(t, os.Remove(path))
			require.NoError(t, os.Mkdir(path, 0o700))
		}},
		{name: "owned by another user", mangle: func(t *testing.T, s *fileStore, path string, valid []byte) {
			if os.Getuid() != 0 {
				t.Skip("chown needs root; the uid-based case below covers this without it")
			}
			require.NoError(t, os.Chown(path, 65534, 65534))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, logs := openFile(t)
			ctx := context.Background()
			key := testKey("k")
			require.NoError(t, s.Put(ctx, key, entryAt(t0)))
			valid, err := os.ReadFile(s.path(key))
			require.NoError(t, err)
			_, ok, _ := s.Get(ctx, key)
			require.True(t, ok, "the valid record was not served; the test proves nothing")
			tt.mangle(t, s, s.path(key), valid)

			_, ok, err = s.Get(ctx, key)
			require.NoError(t, err, "Get; want a miss")
			require.False(t, ok, "Get; want a miss")
			assert.Contains(t, logs.String(), "ignoring cache file", "no warning logged")
			infos, _ := s.List(ctx)
			if assert.Len(t, infos, 1, "List, want the file as damaged and nothing read from it") {
				assert.NotEmpty(t, infos[0].Damaged, "List = %+v, want the file as damaged", infos)
				assert.Empty(t, infos[0].Registry, "List = %+v, want nothing read from the damaged file", infos)
			}
			strict := *s
			strict.strict = true
			_, ok, err = strict.Get(ctx, key)
			assert.False(t, ok, "strict Get; want ErrDamaged naming the file")
			assert.ErrorIs(t, err, ErrDamaged, "strict Get; want ErrDamaged naming the file")
			assert.ErrorContains(t, err, s.path(key), "strict Get; want ErrDamaged naming the file")
			if !tt.dir {
				assertReplaced(t, s, key)
			}
			testkit.AssertNoSecret(t, "log", logs.String(), testSecret)
		})
	}
}

// assertReplaced: the next Put replaces the untrusted file with a private
// one that is served.
func assertReplaced(t *testing.T, s *fileStore, key string) {
	t.Helper()
	ctx := context.Background()
	fresh := entryAt(t0.Add(time.Minute))
	fresh.Secret = testSecret + "-new"
	require.NoError(t, s.Put(ctx, key, fresh), "Put over the untrusted file")
	got, ok, err := s.Get(ctx, key)
	require.NoError(t, err, "Get after replacing")
	require.True(t, ok, "Get after replacing missed")
	require.Equal(t, fresh.Secret, got.Secret, "Get after replacing")
	fi, err := os.Lstat(s.path(key))
	require.NoError(t, err)
	// Get above served it, so it passed the owner check too.
	assert.True(t, fi.Mode().IsRegular(), "replacement file: mode %v", fi.Mode())
	assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm(), "replacement file: mode %v", fi.Mode())
}

func TestFileStoreIgnoresFilesOfAnotherUID(t *testing.T) {
	// Without root, play the other side: the file is ours, the store
	// believes it runs as someone else.
	s, logs := openFile(t)
	ctx := context.Background()
	key := testKey("k")
	require.NoError(t, s.Put(ctx, key, entryAt(t0)))
	me := s.uid
	s.uid = me + 1
	_, ok, err := s.Get(ctx, key)
	require.NoError(t, err, "Get of a file owned by uid %d as uid %d; want a miss", me, me+1)
	require.False(t, ok, "Get of a file owned by uid %d as uid %d; want a miss", me, me+1)
	assert.Contains(t, logs.String(), fmt.Sprintf("owned by uid %d", me), "warning does not name the owner")
	// A directory of someone else's is refused when it is opened
	// (TestOpenRootRefuses).
	s.uid = me
	assertReplaced(t, s, key)
}

// TestFileStorePermissions: what the store creates is private; a root the
// user made 0755 is theirs to keep (no one else can write to it) and is
// not chmod'ed.
func TestFileStorePermissions(t *testing.T) {
	root := filepath.Join(t.TempDir(), "regcred")
	require.NoError(t, os.Mkdir(root, 0o755))
	c, err := Open(Options{Kind: KindFile, Dir: root, Now: testkit.NewClock(t0).Now})
	require.NoError(t, err)
	require.NoError(t, c.Store().Put(context.Background(), testKey("k"), entryAt(t0)))
	for path, want := range map[string]fs.FileMode{
		root:                          fs.ModeDir | 0o755,
		filepath.Join(root, "tokens"): fs.ModeDir | 0o700,
		filepath.Join(root, "tokens", testKey("k")+".json"): 0o600,
	} {
		fi, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, want, fi.Mode(), "%s: mode", path)
	}
	ents, err := os.ReadDir(filepath.Join(root, "tokens"))
	require.NoError(t, err)
	assert.Len(t, ents, 1, "tokens dir, want 1 file (no temporary files left)")
}

func TestFileStoreConcurrentWriters(t *testing.T) {
	s, logs := openFile(t)
	ctx := context.Background()
	key := testKey("k")
	require.NoError(t, s.Put(ctx, key, entryAt(t0)))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 6 {
		wg.Go(func() {
			for i := range 15 {
				e := entryAt(t0)
				e.Secret = providers.Secret(fmt.Sprintf("%s-%d-%d-%s", testSecret, w, i, strings.Repeat("x", 3000)))
				if err := s.Put(ctx, key, e); err != nil {
					errs <- err
					return
				}
				got, ok, err := s.Get(ctx, key)
				if !ok || err != nil || !strings.HasPrefix(got.Secret.Reveal(), testSecret) {
					errs <- fmt.Errorf("Get during concurrent writes = ok %v, err %v", ok, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Empty(t, logs.String(), "a reader saw a torn or foreign file")
}
