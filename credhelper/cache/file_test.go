package cache

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regcred/regcred/providers"
)

func openFile(t *testing.T) (*fileStore, *logBuf) {
	t.Helper()
	log, logs := newLog()
	c, err := Open(Options{Kind: KindFile, Dir: t.TempDir(), Now: newClock().Now, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	return c.Store().(*fileStore), logs
}

func TestFileStoreIgnoresUntrustedFiles(t *testing.T) {
	write := func(data string, mode os.FileMode) func(*testing.T, *fileStore, string, []byte) {
		return func(t *testing.T, s *fileStore, path string, _ []byte) {
			if err := os.WriteFile(path, []byte(data), mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
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
			if err != nil {
				t.Fatal(err)
			}
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
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, path); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "a directory", dir: true, mangle: func(t *testing.T, s *fileStore, path string, _ []byte) {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "owned by another user", mangle: func(t *testing.T, s *fileStore, path string, valid []byte) {
			if os.Getuid() != 0 {
				t.Skip("chown needs root; the uid-based case below covers this without it")
			}
			if err := os.Chown(path, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, logs := openFile(t)
			ctx := context.Background()
			key := testKey("k")
			if err := s.Put(ctx, key, entryAt(t0)); err != nil {
				t.Fatal(err)
			}
			valid, err := os.ReadFile(s.path(key))
			if err != nil {
				t.Fatal(err)
			}
			if _, ok, _ := s.Get(ctx, key); !ok {
				t.Fatal("the valid record was not served; the test proves nothing")
			}
			tt.mangle(t, s, s.path(key), valid)

			if _, ok, err := s.Get(ctx, key); ok || err != nil {
				t.Fatalf("Get = ok %v, err %v; want a miss", ok, err)
			}
			if !strings.Contains(logs.String(), "ignoring cache file") {
				t.Errorf("no warning logged; log:\n%s", logs)
			}
			if infos, _ := s.List(ctx); len(infos) != 1 || infos[0].Damaged == "" || infos[0].Registry != "" {
				t.Errorf("List = %+v, want the file as damaged and nothing read from it", infos)
			}
			strict := *s
			strict.strict = true
			if _, ok, err := strict.Get(ctx, key); ok || !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), s.path(key)) {
				t.Errorf("strict Get = ok %v, err %v; want ErrDamaged naming the file", ok, err)
			}
			if !tt.dir {
				assertReplaced(t, s, key)
			}
			assertNoSecret(t, "log", logs.String())
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
	if err := s.Put(ctx, key, fresh); err != nil {
		t.Fatalf("Put over the untrusted file: %v", err)
	}
	got, ok, err := s.Get(ctx, key)
	if !ok || err != nil || got.Secret != fresh.Secret {
		t.Fatalf("Get after replacing = ok %v, err %v", ok, err)
	}
	fi, err := os.Lstat(s.path(key))
	if err != nil {
		t.Fatal(err)
	}
	// Get above served it, so it passed the owner check too.
	if !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
		t.Errorf("replacement file: mode %v", fi.Mode())
	}
}

func TestFileStoreIgnoresFilesOfAnotherUID(t *testing.T) {
	// Without root, play the other side: the file is ours, the store
	// believes it runs as someone else.
	s, logs := openFile(t)
	ctx := context.Background()
	key := testKey("k")
	if err := s.Put(ctx, key, entryAt(t0)); err != nil {
		t.Fatal(err)
	}
	me := s.uid
	s.uid = me + 1
	if _, ok, err := s.Get(ctx, key); ok || err != nil {
		t.Fatalf("Get of a file owned by uid %d as uid %d = ok %v, err %v; want a miss", me, me+1, ok, err)
	}
	if !strings.Contains(logs.String(), fmt.Sprintf("owned by uid %d", me)) {
		t.Errorf("warning does not name the owner; log:\n%s", logs)
	}
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
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := Open(Options{Kind: KindFile, Dir: root, Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Store().Put(context.Background(), testKey("k"), entryAt(t0)); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]fs.FileMode{
		root:                          fs.ModeDir | 0o755,
		filepath.Join(root, "tokens"): fs.ModeDir | 0o700,
		filepath.Join(root, "tokens", testKey("k")+".json"): 0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode(), want)
		}
	}
	ents, err := os.ReadDir(filepath.Join(root, "tokens"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 {
		t.Errorf("tokens dir holds %d files, want 1 (no temporary files left): %v", len(ents), ents)
	}
}

func TestFileStoreConcurrentWriters(t *testing.T) {
	s, logs := openFile(t)
	ctx := context.Background()
	key := testKey("k")
	if err := s.Put(ctx, key, entryAt(t0)); err != nil {
		t.Fatal(err)
	}
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
		t.Error(err)
	}
	if logs.String() != "" {
		t.Errorf("a reader saw a torn or foreign file:\n%s", logs)
	}
}
