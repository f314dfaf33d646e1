//go:build unix

package cache

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// foreignUID owns what another local user would have planted. The tests
// run as root in CI, which can chown; elsewhere they skip.
const foreignUID = 4242

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("planting another user's files needs root")
	}
}

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
			writeFile(t, p, "x", 0o600)
			return p
		}, refused: "not a directory"},
		{name: "root owned by another user", root: true, plant: func(t *testing.T, base string) string {
			return chown(t, mkdir(t, base, "c", 0o700), foreignUID)
		}, refused: "owned by uid 4242"},
		{name: "parent owned by another user", root: true, plant: func(t *testing.T, base string) string {
			chown(t, mkdir(t, base, "p", 0o755), foreignUID)
			return mkdir(t, filepath.Join(base, "p"), "c", 0o700)
		}, refused: "parent"},
		{name: "symlink above the root owned by another user", root: true, plant: func(t *testing.T, base string) string {
			real := mkdir(t, base, "real", 0o755)
			mkdir(t, real, "c", 0o700)
			link := symlink(t, real, filepath.Join(base, "shared"))
			lchown(t, link, foreignUID)
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
				needRoot(t)
			}
			path := tt.plant(t, t.TempDir())
			before := snapshot(t, path)
			r, err := OpenRoot(path)
			if err == nil {
				err = r.WriteFile(tokensDir, "probe", []byte("x"))
			}
			if tt.refused == "" {
				if err != nil {
					t.Fatalf("refused a safe root: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrUntrustedRoot) || !strings.Contains(err.Error(), tt.refused) {
				t.Fatalf("err = %v, want ErrUntrustedRoot mentioning %q", err, tt.refused)
			}
			if after := snapshot(t, path); after != before {
				t.Errorf("a refused root was touched:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// TestRootCreatesMissingDirectoriesPrivate: a missing root and its
// subdirectories are made 0700 whatever the umask.
func TestRootCreatesMissingDirectoriesPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "regcred")
	r := mustRoot(t, path)
	if err := r.WriteFile(tokensDir, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Join(path, "..", ".."), filepath.Dir(path), path, filepath.Join(path, tokensDir)} {
		if st, err := os.Stat(d); err != nil || st.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v %v, want 0700", d, st.Mode(), err)
		}
	}
	if st, _ := os.Stat(filepath.Join(path, tokensDir, "k")); st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", st.Mode())
	}
}

// TestRootHoldsItsDirectoryAfterASwap: once opened, the root is the
// directory it opened; replacing the path with a symlink to another
// directory (what a won race would do) sends no file there.
func TestRootHoldsItsDirectoryAfterASwap(t *testing.T) {
	base := t.TempDir()
	path := mkdir(t, base, "c", 0o700)
	r := mustRoot(t, path)
	if err := r.WriteFile(tokensDir, "first", []byte("1")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path, filepath.Join(base, "moved")); err != nil {
		t.Fatal(err)
	}
	attacker := mkdir(t, base, "attacker", 0o777)
	symlink(t, attacker, path)
	if err := r.WriteFile(tokensDir, "second", []byte("2")); err != nil {
		t.Fatal(err)
	}
	if got, err := r.ReadFile(tokensDir, "first"); err != nil || string(got) != "1" {
		t.Errorf("read after swap = %q, %v", got, err)
	}
	if names := listAll(t, attacker); len(names) != 0 {
		t.Errorf("files reached the swapped-in directory: %v", names)
	}
	if _, err := os.Stat(filepath.Join(base, "moved", tokensDir, "second")); err != nil {
		t.Errorf("the write did not land in the opened directory: %v", err)
	}
}

// TestRootWriteFailureLeavesNoTemp: a write whose rename fails (a
// directory sits where the file goes) leaves no temporary file that may
// hold a secret.
func TestRootWriteFailureLeavesNoTemp(t *testing.T) {
	path := t.TempDir()
	r := mustRoot(t, path)
	if err := r.WriteFile(tokensDir, "seed", []byte("s")); err != nil {
		t.Fatal(err)
	}
	mkdir(t, filepath.Join(path, tokensDir), "blocked", 0o700)
	writeFile(t, filepath.Join(path, tokensDir, "blocked", "keep"), "x", 0o600)
	if err := r.WriteFile(tokensDir, "blocked", []byte("SECRET-IN-TEMP")); err == nil {
		t.Fatal("write over a non-empty directory succeeded")
	}
	for _, n := range listAll(t, filepath.Join(path, tokensDir)) {
		if strings.HasPrefix(n, tempPrefix) {
			t.Errorf("temporary file %s outlived the failed write", n)
		}
	}
}

// TestRootSweepsOnlyItsOwnTemps: stale temporary files of dead writers go;
// fresh ones (a live writer's) and files the cache did not name stay.
func TestRootSweepsOnlyItsOwnTemps(t *testing.T) {
	path := t.TempDir()
	r := mustRoot(t, path)
	if err := r.WriteFile(tokensDir, "seed", []byte("s")); err != nil {
		t.Fatal(err)
	}
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
		writeFile(t, filepath.Join(dir, n), "x", 0o600)
		if n != fresh {
			if err := os.Chtimes(filepath.Join(dir, n), old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := r.WriteFile(tokensDir, "next", []byte("n")); err != nil {
		t.Fatal(err)
	}
	for n, survive := range files {
		_, err := os.Stat(filepath.Join(dir, n))
		if survive != (err == nil) {
			t.Errorf("%s: survived=%v, want %v", n, err == nil, survive)
		}
	}
}

func mkdir(t *testing.T, parent, name string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(parent, name)
	if err := os.Mkdir(p, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func symlink(t *testing.T, target, link string) string {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	return link
}

func chown(t *testing.T, p string, uid int) string {
	t.Helper()
	if err := os.Chown(p, uid, uid); err != nil {
		t.Fatal(err)
	}
	return p
}

func lchown(t *testing.T, p string, uid int) {
	t.Helper()
	if err := os.Lchown(p, uid, uid); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, p, data string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(p, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
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
	if err != nil {
		t.Fatal(err)
	}
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
		if err := mustRoot(t, dir).WriteFile(tokensDir, name, []byte(name)); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		if got, err := mustRoot(t, dir).ReadFile(tokensDir, name); err != nil || string(got) != name {
			t.Fatalf("read %d = %q, %v", i, got, err)
		}
	}
}
