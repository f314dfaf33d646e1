package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"

	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// TestUntrustedCacheRootIsLeftAlone plants the layouts another local
// user's race on a shared directory would produce (findings 2 and 3 of the
// integrity issue) and shows each root is refused: not chmod'ed, not
// swept, nothing written into it, while the get still answers, without a
// cache, with one warning that says why and how to fix it.
func TestUntrustedCacheRootIsLeftAlone(t *testing.T) {
	tests := []struct {
		name   string
		asRoot bool
		// plant builds the layout under home and returns the cache.dir to
		// configure ("" for the default) and the directory to watch.
		plant func(t *testing.T, home string) (cacheDir, watch string)
		why   string
	}{
		{name: "default root a symlink to another directory of the user's", plant: func(t *testing.T, home string) (string, string) {
			other := filepath.Join(home, "other")
			plantOldFiles(t, filepath.Join(other, "routes"), strings.Repeat("a", 64)+".route", "notes.txt")
			plantOldFiles(t, filepath.Join(other, "tokens"), "keep.json")
			require.NoError(t, os.MkdirAll(filepath.Join(home, ".cache"), 0o700))
			require.NoError(t, os.Symlink(other, filepath.Join(home, ".cache", "regcred")))
			return "", other
		}, why: "is a symlink"},
		{name: "cache.dir under a group-writable parent", plant: func(t *testing.T, home string) (string, string) {
			shared := filepath.Join(home, "shared")
			require.NoError(t, os.Mkdir(shared, 0o700))
			require.NoError(t, os.Chmod(shared, 0o775))
			plantOldFiles(t, filepath.Join(shared, "regcred", "tokens"), "keep.json")
			return filepath.Join(shared, "regcred"), shared
		}, why: "without the sticky bit"},
		{name: "cache.dir a shared sticky directory (1777)", plant: func(t *testing.T, home string) (string, string) {
			shared := filepath.Join(home, "shared-cache")
			require.NoError(t, os.Mkdir(shared, 0o700))
			require.NoError(t, os.Chmod(shared, os.ModeSticky|0o777))
			return shared, shared
		}, why: "writable by other users"},
		{name: "cache.dir owned by another user", asRoot: true, plant: func(t *testing.T, home string) (string, string) {
			dir := filepath.Join(home, "theirs")
			plantOldFiles(t, filepath.Join(dir, "tokens"), "keep.json")
			require.NoError(t, os.Chown(dir, testkit.ForeignUID, testkit.ForeignUID))
			return dir, dir
		}, why: "owned by uid 4242"},
		{name: "cache.dir through another user's symlink", asRoot: true, plant: func(t *testing.T, home string) (string, string) {
			real := filepath.Join(home, "real")
			plantOldFiles(t, filepath.Join(real, "regcred", "tokens"), "keep.json")
			link := filepath.Join(home, "link")
			require.NoError(t, os.Symlink(real, link))
			require.NoError(t, os.Lchown(link, testkit.ForeignUID, testkit.ForeignUID))
			return filepath.Join(link, "regcred"), real
		}, why: "symlink"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.asRoot {
				testkit.NeedRoot(t)
			}
			env := pinnedEnv(t)
			home := envValue(t, env, "HOME")
			cacheDir, watch := tt.plant(t, home)
			cloud := ecrtest.New(t)
			keys, aws := awsUserEnv(cloud)
			cfg := writeConfig(t, fmt.Sprintf("defaults: false\ncache: {store: file, dir: %q}\nregistries:\n  - match: \"*.dkr.ecr.*.amazonaws.com\"\n    ecr: {endpoint: %q}\n", cacheDir, cloud.ECRURL()))
			env = append(env, append(aws, "REGCRED_CONFIG="+cfg, "REGCRED_CACHE=")...)
			before := treeState(t, watch)
			for i := range 2 {
				res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: ecrHost}, "get")
				checkECRAnswer(t, cloud, res, ecrHost, keys.ARN, "us-west-2", keys)
				checkOneWarning(t, res.Stderr, tt.why)
				n := cloud.Calls(ecrtest.ECR)
				assert.Equal(t, i+1, n, "get %d: ECR calls = %d, want %d (no cache may be used)", i+1, n, i+1)
			}
			after := treeState(t, watch)
			assert.Equal(t, before, after, "the refused root was changed:\nbefore:\n%s\nafter:\n%s", before, after)
		})
	}
}

// checkOneWarning: stderr is one warning line naming why and the fix.
func checkOneWarning(t *testing.T, stderr, why string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if !assert.Len(t, lines, 1, "stderr is not one warning:\n%s", stderr) {
		return
	}
	for _, want := range []string{"level=WARN", why, "chmod go-w"} {
		assert.Contains(t, lines[0], want, "the warning does not say why and how to fix it")
	}
}

// plantOldFiles creates dir (0755: readable, not writable, by others) with
// the named files in it, last written 60 days ago: old enough for any
// sweep.
func plantOldFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o700))
	old := time.Now().Add(-60 * 24 * time.Hour)
	for _, n := range names {
		p := filepath.Join(dir, n)
		require.NoError(t, os.WriteFile(p, []byte("planted"), 0o600))
		require.NoError(t, os.Chtimes(p, old, old))
	}
	for d := dir; d != filepath.Dir(filepath.Dir(dir)); d = filepath.Dir(d) {
		require.NoError(t, os.Chmod(d, 0o755))
	}
}

// treeState describes every entry below dir (name, mode, owner-visible
// size and modification time), following no symlink.
func treeState(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		st, err := os.Lstat(p)
		if err == nil {
			fmt.Fprintf(&b, "%s %v %d %d\n", p, st.Mode(), st.Size(), st.ModTime().UnixNano())
		}
		return err
	}))
	return b.String()
}
