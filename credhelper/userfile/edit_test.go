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

	"github.com/regcred/regcred/internal/testkit"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func appendLine(line string) Change {
	return func(old []byte, _ bool) ([]byte, error) {
		return append(slices.Clone(old), line+"\n"...), nil
	}
}

func edit(t *testing.T, path string, opts Options, c Change) Result {
	t.Helper()
	res, err := Edit(context.Background(), path, opts, c)
	require.NoError(t, err)
	return res
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func uidGidMode(t *testing.T, path string) (int, int, fs.FileMode) {
	t.Helper()
	info, err := os.Lstat(path)
	require.NoError(t, err)
	st := info.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid), info.Mode().Perm()
}

// TestEditKeepsOwnerAndMode: root editing a user's 0640 file leaves it,
// and its backup, the user's with mode 0640 (sudo regcred setup …).
func TestEditKeepsOwnerAndMode(t *testing.T) {
	testkit.NeedRoot(t)
	path := filepath.Join(t.TempDir(), "config.json")
	require.NoError(t, os.WriteFile(path, []byte("{}\n"), 0o640))
	require.NoError(t, os.Chown(path, testkit.ForeignUID, testkit.ForeignUID+1))
	res := edit(t, path, Options{Mode: 0o600, Backup: true}, appendLine("x"))
	for _, p := range []string{path, res.Backup} {
		uid, gid, mode := uidGidMode(t, p)
		assert.Equal(t, testkit.ForeignUID, uid, "%s: uid", p)
		assert.Equal(t, testkit.ForeignUID+1, gid, "%s: gid", p)
		assert.Equal(t, fs.FileMode(0o640), mode, "%s: mode", p)
	}
	assert.Equal(t, "{}\n", read(t, res.Backup), "backup")
	assert.Equal(t, "{}\nx\n", read(t, path), "file")
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
				testkit.NeedRoot(t)
				require.NoError(t, os.Chown(home, testkit.ForeignUID, testkit.ForeignUID))
				want = testkit.ForeignUID
			}
			path := filepath.Join(home, "a", "b", "50-regcred.conf")
			edit(t, path, Options{Mode: 0o644, DirMode: tt.dirMode}, appendLine("x"))
			for _, p := range []string{filepath.Join(home, "a"), filepath.Join(home, "a", "b")} {
				uid, _, mode := uidGidMode(t, p)
				assert.Equal(t, want, uid, "%s: uid", p)
				assert.Equal(t, tt.dirMode, mode, "%s: mode", p)
			}
			uid, _, mode := uidGidMode(t, path)
			assert.Equal(t, want, uid, "file: uid")
			assert.Equal(t, fs.FileMode(0o644), mode, "file: mode")
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
			dir, err := filepath.EvalSymlinks(t.TempDir()) // Result.Path is the real one ($TMPDIR is a symlink on macOS)
			require.NoError(t, err)
			target := filepath.Join(dir, "dotfiles", "docker", "config.json")
			require.NoError(t, os.MkdirAll(filepath.Dir(target), 0o700))
			if tt.exists {
				require.NoError(t, os.WriteFile(target, []byte("old\n"), 0o600))
			}
			link := filepath.Join(dir, "config.json")
			first := link
			if tt.chain {
				first = filepath.Join(dir, "first")
				require.NoError(t, os.Symlink("config.json", first))
			}
			require.NoError(t, os.Symlink("dotfiles/docker/config.json", link))
			res := edit(t, first, Options{Mode: 0o600}, appendLine("new"))
			assert.Equal(t, target, res.Path, "wrote")
			for _, l := range []string{first, link} {
				info, err := os.Lstat(l)
				if assert.NoError(t, err, "%s is no longer a symlink", l) {
					assert.NotZero(t, info.Mode()&fs.ModeSymlink, "%s is no longer a symlink", l)
				}
			}
			got := read(t, target)
			assert.True(t, strings.HasSuffix(got, "new\n"), "target holds %q", got)
		})
	}
}

// TestBackupsAreNeverOverwritten: two edits in one second keep both
// originals, under two names.
func TestBackupsAreNeverOverwritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kubelet-credentials.yaml")
	require.NoError(t, os.WriteFile(path, []byte("v1\n"), 0o600))
	now := func() time.Time { return time.Date(2026, 12, 5, 7, 0, 0, 0, time.UTC) }
	a := edit(t, path, Options{Backup: true, Now: now}, func([]byte, bool) ([]byte, error) { return []byte("v2\n"), nil })
	b := edit(t, path, Options{Backup: true, Now: now}, func([]byte, bool) ([]byte, error) { return []byte("v3\n"), nil })
	require.NotEqual(t, a.Backup, b.Backup, "both runs backed up to the same file")
	assert.Equal(t, "v1\n", read(t, a.Backup), "first backup")
	assert.Equal(t, "v2\n", read(t, b.Backup), "second backup")
}

// TestEditOfNothingWritesNothing: content already right means no write and
// no backup.
func TestEditOfNothingWritesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	require.NoError(t, os.WriteFile(path, []byte("same"), 0o600))
	res := edit(t, path, Options{Backup: true}, func(old []byte, _ bool) ([]byte, error) { return old, nil })
	assert.False(t, res.Changed, "result %+v, want unchanged", res)
	assert.Empty(t, res.Backup, "result %+v, want no backup", res)
	assert.Equal(t, []string{"f"}, dirNames(t, dir), "directory holds")
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
		assert.NoError(t, err)
	}
	got := read(t, path)
	for i := range 20 {
		assert.Contains(t, got, fmt.Sprintf("host-%d\n", i), "host-%d lost", i)
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
	assert.Equal(t, "auths: login\ncredHelpers: regcred\n", read(t, path), "the file after %d calls", calls)
	assert.Equal(t, 2, calls, "calls")
	assert.True(t, res.Changed, "changed")

	n := 0
	_, err := Edit(context.Background(), path, Options{}, func(old []byte, _ bool) ([]byte, error) {
		n++
		if err := os.WriteFile(path, fmt.Appendf(nil, "rewrite %d\n", n), 0o600); err != nil {
			return nil, err
		}
		return []byte("mine\n"), nil
	})
	assert.ErrorIs(t, err, ErrContended)
	for _, name := range dirNames(t, dir) {
		assert.NotContains(t, name, tempInfix, "temporary file left behind")
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
		require.NoError(t, os.WriteFile(p, []byte("{\"auths\":{}}"), 0o600))
		if !strings.Contains(name, "fedcba") {
			require.NoError(t, os.Chtimes(p, old, old))
		}
	}
	edit(t, filepath.Join(dir, "config.json"), Options{Mode: 0o600}, appendLine("x"))
	for name, survives := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		assert.Equal(t, survives, err == nil, "%s survived", name)
	}
}

// TestEditFailureLeavesTheFile: a change that fails leaves the file as it
// was and nothing beside it.
func TestEditFailureLeavesTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(path, []byte("keep"), 0o600))
	boom := errors.New("invalid JSON")
	_, err := Edit(context.Background(), path, Options{Backup: true}, func([]byte, bool) ([]byte, error) { return nil, boom })
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, "keep", read(t, path), "file")
	assert.Len(t, dirNames(t, dir), 1, "directory")
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
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
		require.Failf(t, "partial read", "a reader saw a partial file: %s", msg)
	default:
	}
	assert.Equal(t, []string{"config.json"}, dirNames(t, filepath.Dir(path)), "directory holds")
}

// TestEditFollowsDotDotLikeTheKernel: a ".." in a link reached through a
// symlinked directory (~/.docker -> dotfiles/docker) names what the kernel
// resolves it to, beside the real directory, not beside the link.
func TestEditFollowsDotDotLikeTheKernel(t *testing.T) {
	tests := []struct {
		name string
		// link makes the path to edit, given the temp dir, the real
		// docker directory and the home holding .docker -> real.
		link func(t *testing.T, dir, real, home string) string
	}{
		{
			name: "relative link in the symlinked directory",
			link: func(t *testing.T, _, real, home string) string {
				require.NoError(t, os.Symlink("../shared/config.json", filepath.Join(real, "config.json")))
				return filepath.Join(home, ".docker", "config.json")
			},
		},
		{
			name: "absolute link through the symlinked directory",
			link: func(t *testing.T, dir, _, home string) string {
				link := filepath.Join(dir, "config.json")
				require.NoError(t, os.Symlink(home+"/.docker/../shared/config.json", link))
				return link
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, err := filepath.EvalSymlinks(t.TempDir())
			require.NoError(t, err)
			real := filepath.Join(dir, "dotfiles", "docker")
			shared := filepath.Join(dir, "dotfiles", "shared", "config.json")
			require.NoError(t, os.MkdirAll(real, 0o700))
			require.NoError(t, os.MkdirAll(filepath.Dir(shared), 0o700))
			require.NoError(t, os.WriteFile(shared, []byte("old\n"), 0o600))
			home := filepath.Join(dir, "home")
			require.NoError(t, os.MkdirAll(home, 0o700))
			require.NoError(t, os.Symlink(real, filepath.Join(home, ".docker")))
			path := tt.link(t, dir, real, home)
			require.Equal(t, "old\n", read(t, path), "the kernel's reading")

			res := edit(t, path, Options{Mode: 0o600}, appendLine("new"))
			assert.Equal(t, shared, res.Path, "wrote")
			assert.Equal(t, "old\nnew\n", read(t, path))
			_, err = os.Lstat(filepath.Join(home, "shared"))
			assert.ErrorIs(t, err, fs.ErrNotExist, "a name the kernel never resolves to was created")
		})
	}
}

// TestNewDirectoryIsSettledByHandle: a directory swapped for a symlink
// between mkdir and chmod (its parent's owner can) is refused, and the
// link's target keeps its mode.
func TestNewDirectoryIsSettledByHandle(t *testing.T) {
	base := t.TempDir()
	target := filepath.Join(base, "etc")
	require.NoError(t, os.Mkdir(target, 0o700))
	link := filepath.Join(base, "made")
	require.NoError(t, os.Symlink(target, link))
	err := settleNewDir(link, 0o755, owner{})
	require.Error(t, err, "a symlink in place of the new directory was settled")
	info, err := os.Stat(target)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o700), info.Mode().Perm(), "the link's target was chmod'ed")
}
