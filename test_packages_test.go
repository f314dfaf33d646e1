// Package regcred_test holds the tests of the repository's own set-up
// scripts (testdata/*.sh), which `make test` and .ci/run call.
package regcred_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeTools writes dpkg-query, apt-get and sudo stand-ins into a directory
// anyone can read: dpkg-query reports every package installed but those in
// missing; apt-get and sudo append their arguments to the returned log.
func fakeTools(t *testing.T, missing ...string) (dir, log string) {
	t.Helper()
	dir = worldDir(t)
	log = filepath.Join(worldDir(t), "calls.log")
	require.NoError(t, os.WriteFile(log, nil, 0o666))
	require.NoError(t, os.Chmod(log, 0o666)) // past the umask
	scripts := map[string]string{
		"dpkg-query": `#!/bin/sh
for p in ` + strings.Join(missing, " ") + `; do [ "$p" = "$3" ] && exit 1; done
printf installed
`,
		"apt-get": "#!/bin/sh\necho \"apt-get $*\" >>" + log + "\n",
		"sudo":    "#!/bin/sh\necho \"sudo $*\" >>" + log + "\n",
	}
	for name, body := range scripts {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755))
	}
	return dir, log
}

// worldDir is a temp dir the unprivileged user can use too.
func worldDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		require.NoError(t, os.Chmod(d, 0o777))
	}
	return dir
}

// runSetup runs a copy of testdata/test-packages.sh with the fakes first on
// PATH, as an unprivileged user (nobody) unless asRoot. It must finish at
// once: it never waits for input.
func runSetup(t *testing.T, fakes string, asRoot bool) (stdout, stderr string, exit int) {
	t.Helper()
	script, err := os.ReadFile(filepath.Join("testdata", "test-packages.sh"))
	require.NoError(t, err)
	copyPath := filepath.Join(worldDir(t), "test-packages.sh")
	require.NoError(t, os.WriteFile(copyPath, script, 0o755))
	argv := []string{"bash", copyPath}
	switch {
	case asRoot && os.Getuid() != 0:
		t.Skip("not root: the installing branch is for root")
	case !asRoot && os.Getuid() == 0:
		setpriv, err := exec.LookPath("setpriv")
		if err != nil {
			t.Skip("running as root without setpriv (util-linux) to drop to nobody")
		}
		argv = append([]string{setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups"}, argv...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = []string{"PATH=" + fakes + ":/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/nonexistent", "LC_ALL=C"}
	cmd.Dir = filepath.Dir(copyPath)
	cmd.Stdin = strings.NewReader("")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	require.NoError(t, ctx.Err(), "test-packages.sh did not finish within 20s; stderr:\n%s", errOut.String())
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		exit = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return out.String(), errOut.String(), exit
}

func TestTestPackagesScript(t *testing.T) {
	tests := []struct {
		name       string
		missing    []string
		asRoot     bool
		wantExit   int
		wantStderr string
		wantCalls  string
	}{
		{name: "all present", wantExit: 0},
		{name: "one missing, not root", missing: []string{"skopeo"}, wantExit: 1,
			wantStderr: "make test needs: skopeo\n" +
				"install them with: sudo apt-get install -y --no-install-recommends skopeo\n"},
		{name: "two missing, not root, in the list's order", missing: []string{"gnome-keyring", "docker-registry"}, wantExit: 1,
			wantStderr: "make test needs: docker-registry gnome-keyring\n" +
				"install them with: sudo apt-get install -y --no-install-recommends docker-registry gnome-keyring\n"},
		{name: "missing, root installs", missing: []string{"skopeo"}, asRoot: true, wantExit: 0,
			wantStderr: "installing skopeo\n",
			wantCalls:  "apt-get update -qq\napt-get install -y -qq --no-install-recommends skopeo\n"},
		{name: "all present, root installs nothing", asRoot: true, wantExit: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakes, log := fakeTools(t, tt.missing...)
			stdout, stderr, exit := runSetup(t, fakes, tt.asRoot)
			assert.Equal(t, tt.wantExit, exit, "exit %d, stdout %q, stderr %q; want exit %d, stderr %q", exit, stdout, stderr, tt.wantExit, tt.wantStderr)
			assert.Equal(t, tt.wantStderr, stderr, "exit %d, stdout %q, stderr %q; want exit %d, stderr %q", exit, stdout, stderr, tt.wantExit, tt.wantStderr)
			assert.Equal(t, "", stdout, "exit %d, stdout %q, stderr %q; want exit %d, stderr %q", exit, stdout, stderr, tt.wantExit, tt.wantStderr)
			calls, err := os.ReadFile(log)
			require.NoError(t, err)
			assert.Equal(t, tt.wantCalls, string(calls), "apt-get and sudo were called as %q, want %q", calls, tt.wantCalls)
		})
	}
}
