//go:build unix

package userfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const otherUID = 4242 // a user's files, edited by root (sudo)

func appendLine(line string) Change {
	return func(old []byte, _ bool) ([]byte, error) {
		return append(slices.Clone(old), line+"\n"...), nil
	}
}

func edit(t *testing.T, path string, opts Options, c Change) Result {
	t.Helper()
	res, err := Edit(context.Background(), path, opts, c)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func uidGidMode(t *testing.T, path string) (int, int, fs.FileMode) {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := info.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid), info.Mode().Perm()
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("acting for another user needs root")
	}
}

// TestEditKeepsOwnerAndMode: root editing a user's 0640 file leaves it,
// and its backup, the user's with mode 0640 (sudo regcred setup …).
func TestEditKeepsOwnerAndMode(t *testing.T) {
	needRoot(t)
	path := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(path, []byte("{}\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, otherUID, otherUID+1); err != nil {
		t.Fatal(err)
	}
	res := edit(t, path, Options{Mode: 0o600, Backup: true}, appendLine("x"))
	for _, p := range []string{path, res.Backup} {
		if uid, gid, mode := uidGidMode(t, p); uid != otherUID || gid != otherUID+1 || mode != 0o640 {
			t.Errorf("%s: uid %d gid %d mode %v, want %d %d 0640", p, uid, gid, mode, otherUID, otherUID+1)
		}
	}
	if read(t, res.Backup) != "{}\n" || read(t, path) != "{}\nx\n" {
		t.Errorf("backup %q, file %q", read(t, res.Backup), read(t, path))
	}
}

// TestEditCreatesDirectoriesLikeTheirParent: missing directories take the
// mode asked for (0755 for a drop-in directory other users' tools read)
// whatever the umask, and the owner of the directory they are made in; so
// does a new file.
func TestEditCreatesDirectoriesLikeTheirParent(t *testing.T) {
	tests := []struct {
		name    string
		dirMode fs.FileMode
		asUser  bool
	}{
		{name: "public drop-in directory", dirMode: 0o755},
		{name: "private directory", dirMode: 0o700},
		{name: "in another user's home", dirMode: 0o700, asUser: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			want := os.Geteuid()
			if tt.asUser {
				needRoot(t)
				if err := os.Chown(home, otherUID, otherUID); err != nil {
					t.Fatal(err)
				}
				want = otherUID
			}
			path := filepath.Join(home, "a", "b", "50-regcred.conf")
			edit(t, path, Options{Mode: 0o644, DirMode: tt.dirMode}, appendLine("x"))
			for _, p := range []string{filepath.Join(home, "a"), filepath.Join(home, "a", "b")} {
				if uid, _, mode := uidGidMode(t, p); uid != want || mode != tt.dirMode {
					t.Errorf("%s: uid %d mode %v, want %d %v", p, uid, mode, want, tt.dirMode)
				}
			}
			if uid, _, mode := uidGidMode(t, path); uid != want || mode != 0o644 {
				t.Errorf("file: uid %d mode %v, want %d 0644", uid, mode, want)
			}
		})
	}
}

// TestEditWritesThroughSymlinks: the link stays a link and its target is
// written, dangling or not, through a chain.
func TestEditWritesThroughSymlinks(t *testing.T) {
	tests := []struct {
		name   string
		exists bool
		chain  bool
	}{
		{name: "link to a file", exists: true},
		{name: "dangling link", exists: false},
		{name: "chain of links to a file", exists: true, chain: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "dotfiles", "docker", "config.json")
			if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
				t.Fatal(err)
			}
			if tt.exists {
				if err := os.WriteFile(target, []byte("old\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			link := filepath.Join(dir, "config.json")
			first := link
			if tt.chain {
				first = filepath.Join(dir, "first")
				if err := os.Symlink("config.json", first); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Symlink("dotfiles/docker/config.json", link); err != nil {
				t.Fatal(err)
			}
			res := edit(t, first, Options{Mode: 0o600}, appendLine("new"))
			if res.Path != target {
				t.Errorf("wrote %s, want %s", res.Path, target)
			}
			for _, l := range []string{first, link} {
				if info, err := os.Lstat(l); err != nil || info.Mode()&fs.ModeSymlink == 0 {
					t.Errorf("%s is no longer a symlink", l)
				}
			}
			if got := read(t, target); !strings.HasSuffix(got, "new\n") {
				t.Errorf("target holds %q", got)
			}
		})
	}
}

// TestBackupsAreNeverOverwritten: two edits in one second keep both
// originals, under two names.
func TestBackupsAreNeverOverwritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kubelet-credentials.yaml")
	if err := os.WriteFile(path, []byte("v1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 12, 5, 7, 0, 0, 0, time.UTC) }
	a := edit(t, path, Options{Backup: true, Now: now}, func([]byte, bool) ([]byte, error) { return []byte("v2\n"), nil })
	b := edit(t, path, Options{Backup: true, Now: now}, func([]byte, bool) ([]byte, error) { return []byte("v3\n"), nil })
	if a.Backup == b.Backup {
		t.Fatalf("both runs backed up to %s", a.Backup)
	}
	if read(t, a.Backup) != "v1\n" || read(t, b.Backup) != "v2\n" {
		t.Errorf("backups hold %q and %q, want v1 and v2", read(t, a.Backup), read(t, b.Backup))
	}
}

// TestEditOfNothingWritesNothing: content already right means no write and
// no backup.
func TestEditOfNothingWritesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("same"), 0o600); err != nil {
		t.Fatal(err)
	}
	res := edit(t, path, Options{Backup: true}, func(old []byte, _ bool) ([]byte, error) { return old, nil })
	if res.Changed || res.Backup != "" {
		t.Errorf("result %+v, want unchanged and no backup", res)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"f"}) {
		t.Errorf("directory holds %v", names)
	}
}

// TestConcurrentEditsAllLand: parallel editors each add a line; none is
// lost.
func TestConcurrentEditsAllLand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.json")
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Go(func() {
			_, err := Edit(context.Background(), path, Options{Mode: 0o600}, appendLine(fmt.Sprint("host-", i)))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	got := read(t, path)
	for i := range 20 {
		if !strings.Contains(got, fmt.Sprintf("host-%d\n", i)) {
			t.Errorf("host-%d lost:\n%s", i, got)
		}
	}
}

// TestEditStartsOverOnAnUnlockedWriter: a writer that takes no lock (docker
// login) changing the file between read and rename makes the edit start
// over on what it wrote; both changes land. One that never stops fails the
// edit with ErrContended and leaves no temporary file.
func TestEditStartsOverOnAnUnlockedWriter(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	calls := 0
	res := edit(t, path, Options{Mode: 0o600}, func(old []byte, _ bool) ([]byte, error) {
		if calls++; calls == 1 {
			if err := os.WriteFile(path, []byte("auths: login\n"), 0o600); err != nil {
				return nil, err
			}
		}
		return append(slices.Clone(old), "credHelpers: regcred\n"...), nil
	})
	if got := read(t, path); got != "auths: login\ncredHelpers: regcred\n" || calls != 2 || !res.Changed {
		t.Errorf("after %d calls the file holds %q", calls, got)
	}

	n := 0
	_, err := Edit(context.Background(), path, Options{}, func(old []byte, _ bool) ([]byte, error) {
		n++
		if err := os.WriteFile(path, fmt.Appendf(nil, "rewrite %d\n", n), 0o600); err != nil {
			return nil, err
		}
		return []byte("mine\n"), nil
	})
	if !errors.Is(err, ErrContended) {
		t.Errorf("err = %v, want ErrContended", err)
	}
	for _, name := range dirNames(t, dir) {
		if strings.Contains(name, tempInfix) {
			t.Errorf("temporary file %s left behind", name)
		}
	}
}

// TestEditSweepsKilledWritersTemps: stale temporary files of this file
// (this package's names and the ones earlier versions wrote) go; a fresh
// one and every other name stay.
func TestEditSweepsKilledWritersTemps(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	files := map[string]bool{ // name → survives
		".config.json.regcred-tmp-0123456789abcdef": false,
		".config.json.regcred-123456":               false,
		".config.json.regcred-tmp-fedcba9876543210": true, // fresh
		".config.json.regcred-tmp-xyz":              true,
		".other.json.regcred-123456":                true,
		"config.json.bak":                           true,
	}
	for name := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("{\"auths\":{}}"), 0o600); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(name, "fedcba") {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	edit(t, filepath.Join(dir, "config.json"), Options{Mode: 0o600}, appendLine("x"))
	for name, survives := range files {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != survives {
			t.Errorf("%s: survived %v, want %v", name, err == nil, survives)
		}
	}
}

// TestEditFailureLeavesTheFile: a change that fails leaves the file as it
// was and nothing beside it.
func TestEditFailureLeavesTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	if err := os.WriteFile(path, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("invalid JSON")
	if _, err := Edit(context.Background(), path, Options{Backup: true}, func([]byte, bool) ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
	if read(t, path) != "keep" || len(dirNames(t, dir)) != 1 {
		t.Errorf("file %q, directory %v", read(t, path), dirNames(t, dir))
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// TestReadersSeeWholeFiles: a reader racing the writer sees the old file
// or the new one, never a mix or an empty file.
func TestReadersSeeWholeFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.json")
	a := []byte(`{"credHelpers": {"a.example.com": "regcred"}}` + "\n")
	b := []byte(`{"auths": {}, "x": "` + strings.Repeat("y", 64<<10) + `"}` + "\n")
	set := func(content []byte) Change { return func([]byte, bool) ([]byte, error) { return content, nil } }
	edit(t, path, Options{Mode: 0o600}, set(a))
	done := make(chan struct{})
	bad := make(chan string, 1)
	go func() {
		defer close(done)
		for range 300 {
			got, err := os.ReadFile(path)
			if err != nil || (!bytes.Equal(got, a) && !bytes.Equal(got, b)) {
				bad <- fmt.Sprintf("read %d bytes (err %v)", len(got), err)
				return
			}
		}
	}()
	for i := range 300 {
		content := a
		if i%2 == 0 {
			content = b
		}
		edit(t, path, Options{}, set(content))
	}
	<-done
	select {
	case msg := <-bad:
		t.Fatalf("a reader saw a partial file: %s", msg)
	default:
	}
	if names := dirNames(t, filepath.Dir(path)); !slices.Equal(names, []string{"config.json"}) {
		t.Errorf("directory holds %v", names)
	}
}
