//go:build unix

package cache

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

// TestOpenRootRefusesPlantedLayouts plants, one at a time, each layout a
// second local user's race would leave behind, and shows the root is
// refused before anything in it is read, written, chmod'ed or swept.
func TestOpenRootRefusesPlantedLayouts(t *testing.T) {
	tests := []struct {
		name    string
		root    bool // needs root to plant
		plant   func(t *testing.T, base string) string
		refused string // in the error; "" means the root is accepted
	}{
		{name: "own private directory", plant: func(t *testing.T, base string) string {
			return mkdir(t, base, "c", 0o700)
		}},
		{name: "missing root under an own parent", plant: func(t *testing.T, base string) string {
			return filepath.Join(mkdir(t, base, "p", 0o755), "c")
		}},
		{name: "root is a symlink to an own directory", plant: func(t *testing.T, base string) string {
			target := mkdir(t, base, "real", 0o700)
			return symlink(t, target, filepath.Join(base, "c"))
		}, refused: "is a symlink"},
		{name: "root is group-writable", plant: func(t *testing.T, base string) string {
			return mkdir(t, base, "c", 0o770)
		}, refused: "writable by other users"},
		{name: "root is world-writable with the sticky bit", plant: func(t *testing.T, base string) string {
			return mkdir(t, base, "c", os.ModeSticky|0o777)
		}, refused: "writable by other users"},
		{name: "parent group-writable without the sticky bit", plant: func(t *testing.T, base string) string {
			return filepath.Join(mkdir(t, base, "p", 0o775), "c")
		}, refused: "without the sticky bit"},
		{name: "parent world-writable with the sticky bit", plant: func(t *testing.T, base string) string {
			return filepath.Join(mkdir(t, base, "p", os.ModeSticky|0o777), "c")
		}},
		{name: "root is a regular file", plant: func(t *testing.T, base string) string {
			p := filepath.Join(base, "c")
			testkit.WriteFile(t, p, "x")
			return p
		}, refused: "not a directory"},
		{name: "root owned by another user", root: true, plant: func(t *testing.T, base string) string {
			return chown(t, mkdir(t, base, "c", 0o700), testkit.ForeignUID)
		}, refused: "owned by uid 4242"},
		{name: "parent owned by another user", root: true, plant: func(t *testing.T, base string) string {
			chown(t, mkdir(t, base, "p", 0o755), testkit.ForeignUID)
			return mkdir(t, filepath.Join(base, "p"), "c", 0o700)
		}, refused: "parent"},
		{name: "symlink above the root owned by another user", root: true, plant: func(t *testing.T, base string) string {
			real := mkdir(t, base, "real", 0o755)
			mkdir(t, real, "c", 0o700)
			link := symlink(t, real, filepath.Join(base, "shared"))
			lchown(t, link, testkit.ForeignUID)
			return filepath.Join(link, "c")
		}, refused: "symlink"},
		{name: "own symlink above the root", plant: func(t *testing.T, base string) string {
			real := mkdir(t, base, "real", 0o755)
			mkdir(t, real, "c", 0o700)
			return filepath.Join(symlink(t, real, filepath.Join(base, "mine")), "c")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.root {
				testkit.NeedRoot(t)
			}
			path := tt.plant(t, t.TempDir())
			before := snapshot(t, path)
			r, err := OpenRoot(path)
			if err == nil {
				err = r.WriteFile(tokensDir, "probe", []byte("x"))
			}
			if tt.refused == "" {
				require.NoError(t, err, "refused a safe root")
				return
			}
			require.ErrorIs(t, err, ErrUntrustedRoot)
			require.ErrorContains(t, err, tt.refused)
			assert.Equal(t, before, snapshot(t, path), "a refused root was touched")
		})
	}
}

// TestRootCreatesMissingDirectoriesPrivate: a missing root and its
// subdirectories are made 0700 whatever the umask.
func TestRootCreatesMissingDirectoriesPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "regcred")
	r := mustRoot(t, path)
	require.NoError(t, r.WriteFile(tokensDir, "k", []byte("v")))
	for _, d := range []string{filepath.Join(path, "..", ".."), filepath.Dir(path), path, filepath.Join(path, tokensDir)} {
		st, err := os.Stat(d)
		if assert.NoError(t, err, d) {
			assert.Equal(t, os.FileMode(0o700), st.Mode().Perm(), "%s: mode", d)
		}
	}
	st, err := os.Stat(filepath.Join(path, tokensDir, "k"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "file mode")
}

// TestRootHoldsItsDirectoryAfterASwap: once opened, the root is the
// directory it opened; replacing the path with a symlink to another
// directory (what a won race would do) sends no file there.
func TestRootHoldsItsDirectoryAfterASwap(t *testing.T) {
	base := t.TempDir()
	path := mkdir(t, base, "c", 0o700)
	r := mustRoot(t, path)
	require.NoError(t, r.WriteFile(tokensDir, "first", []byte("1")))
	require.NoError(t, os.Rename(path, filepath.Join(base, "moved")))
	attacker := mkdir(t, base, "attacker", 0o777)
	symlink(t, attacker, path)
	require.NoError(t, r.WriteFile(tokensDir, "second", []byte("2")))
	got, err := r.ReadFile(tokensDir, "first")
	assert.NoError(t, err, "read after swap")
	assert.Equal(t, "1", string(got), "read after swap")
	assert.Empty(t, listAll(t, attacker), "files reached the swapped-in directory")
	_, err = os.Stat(filepath.Join(base, "moved", tokensDir, "second"))
	assert.NoError(t, err, "the write did not land in the opened directory")
}

// TestRootWriteFailureLeavesNoTemp: a write whose rename fails (a
// directory sits where the file goes) leaves no temporary file that may
// hold a secret.
func TestRootWriteFailureLeavesNoTemp(t *testing.T) {
	path := t.TempDir()
	r := mustRoot(t, path)
	require.NoError(t, r.WriteFile(tokensDir, "seed", []byte("s")))
	mkdir(t, filepath.Join(path, tokensDir), "blocked", 0o700)
	testkit.WriteFile(t, filepath.Join(path, tokensDir, "blocked", "keep"), "x")
	require.Error(t, r.WriteFile(tokensDir, "blocked", []byte("SECRET-IN-TEMP")), "write over a non-empty directory succeeded")
	for _, n := range listAll(t, filepath.Join(path, tokensDir)) {
		assert.False(t, strings.HasPrefix(n, tempPrefix), "temporary file %s outlived the failed write", n)
	}
}

// TestRootSweepsOnlyItsOwnTemps: stale temporary files of dead writers go;
// fresh ones (a live writer's) and files the cache did not name stay.
func TestRootSweepsOnlyItsOwnTemps(t *testing.T) {
	path := t.TempDir()
	r := mustRoot(t, path)
	require.NoError(t, r.WriteFile(tokensDir, "seed", []byte("s")))
	dir := filepath.Join(path, tokensDir)
	old := time.Now().Add(-time.Hour)
	files := map[string]bool{ // name → should survive
		".tmp-0123456789abcdef":  false,
		".tmp-fedcba9876543210":  true, // fresh: a live writer's
		".tmp-not-ours":          true,
		"notes.txt":              true,
		".tmp-0123456789abcdefx": true,
	}
	const fresh = ".tmp-fedcba9876543210"
	for n := range files {
		testkit.WriteFile(t, filepath.Join(dir, n), "x")
		if n != fresh {
			require.NoError(t, os.Chtimes(filepath.Join(dir, n), old, old))
		}
	}
	require.NoError(t, r.WriteFile(tokensDir, "next", []byte("n")))
	for n, survive := range files {
		_, err := os.Stat(filepath.Join(dir, n))
		assert.Equal(t, survive, err == nil, "%s survived", n)
	}
}

func mkdir(t *testing.T, parent, name string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(parent, name)
	require.NoError(t, os.Mkdir(p, 0o700))
	require.NoError(t, os.Chmod(p, mode))
	return p
}

func symlink(t *testing.T, target, link string) string {
	t.Helper()
	require.NoError(t, os.Symlink(target, link))
	return link
}

func chown(t *testing.T, p string, uid int) string {
	t.Helper()
	require.NoError(t, os.Chown(p, uid, uid))
	return p
}

func lchown(t *testing.T, p string, uid int) {
	t.Helper()
	require.NoError(t, os.Lchown(p, uid, uid))
}

func listAll(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		if err == nil && p != dir {
			out = append(out, strings.TrimPrefix(p, dir+"/"))
		}
		return err
	})
	require.NoError(t, err)
	return out
}

// snapshot describes path and everything below it (modes, owners, names),
// following nothing, to show a refused root was left as it was.
func snapshot(t *testing.T, path string) string {
	t.Helper()
	var b strings.Builder
	_ = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if st, err := os.Lstat(p); err == nil {
			b.WriteString(p + " " + st.Mode().String() + ";")
		}
		return nil
	})
	return b.String()
}

// TestRootSurvivesCollectionMidCall: a Root used once and dropped must
// keep its descriptors open until the call using them returns. Run with
// the collector busy, a descriptor closed mid-call fails the write (EBADF)
// or, reused by another open, sends it elsewhere.
func TestRootSurvivesCollectionMidCall(t *testing.T) {
	dir := t.TempDir()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
			}
		}
	}()
	for i := range 100 {
		name := fmt.Sprintf("k%d", i)
		require.NoError(t, mustRoot(t, dir).WriteFile(tokensDir, name, []byte(name)), "write %d", i)
		got, err := mustRoot(t, dir).ReadFile(tokensDir, name)
		require.NoError(t, err, "read %d", i)
		require.Equal(t, name, string(got), "read %d", i)
	}
}

// TestPresentHoldsNoDescriptors: Present runs for every request (a stored
// login's Has); each call's directory descriptors must not wait for a
// collection that a process with a small heap may never run.
func TestPresentHoldsNoDescriptors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	require.NoError(t, os.Mkdir(dir, 0o700))
	for _, sub := range []string{tokensDir, indexDir} {
		require.NoError(t, os.Mkdir(filepath.Join(dir, sub), 0o700))
	}
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	runtime.GC()
	count := func() int {
		ents, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skip("no /proc/self/fd")
		}
		return len(ents)
	}
	before := count()
	key := strings.Repeat("a", keyLen)
	for range 300 {
		assert.False(t, Present(dir, key))
	}
	assert.Less(t, count()-before, 10, "descriptors left open by 300 Present calls")
}
