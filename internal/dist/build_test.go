package dist

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/cli"
)

func TestBuildArgs(t *testing.T) {
	args := buildArgs(Platform{"linux", "arm64"}, "/out", Stamp{Version: "v1.2.3", Commit: "abc"})
	assert.Equal(t, []string{
		"build", "-trimpath", "-buildvcs=false",
		"-ldflags=-s -w -buildid= -X main.version=v1.2.3 -X main.commit=abc",
		"-o", "/out/", "./cmd/docker-credential-regcred", "./cmd/regcred-engine", "./cmd/regcred-fetch",
	}, args)
}

func TestBuildEnv(t *testing.T) {
	env := buildEnv([]string{"HOME=/h", "GOOS=darwin", "GOFLAGS=-race", "CGO_ENABLED=1", "GOARCH=386", "GOCACHE=/c"}, Platform{"windows", "arm64"})
	assert.Equal(t, []string{"HOME=/h", "GOCACHE=/c", "GOOS=windows", "GOARCH=arm64", "CGO_ENABLED=0", "GOFLAGS="}, env)
}

// TestBuildReproducible builds a small module twice with go itself: the
// same bytes, and the stamp reaches main.
func TestBuildReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with go")
	}
	mod, goc := fakeModule(t), goCmd(t)
	s := Stamp{Version: "1.2.3", Commit: "abc123"}
	host := Platform{runtime.GOOS, runtime.GOARCH}
	var builds [2]string
	for i := range builds {
		builds[i] = filepath.Join(t.TempDir(), "bin")
		require.NoError(t, Build(context.Background(), goc, mod, host, builds[i], s))
	}
	for _, e := range Executables() {
		first, err := os.ReadFile(filepath.Join(builds[0], host.Exe(e)))
		require.NoError(t, err)
		second, err := os.ReadFile(filepath.Join(builds[1], host.Exe(e)))
		require.NoError(t, err)
		assert.Equal(t, first, second, "%s differs between two builds", e)
		out, err := exec.Command(filepath.Join(builds[0], host.Exe(e))).Output()
		require.NoError(t, err)
		assert.Equal(t, "1.2.3 abc123\n", string(out), e)
	}
}

func TestBuildWindowsExe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with go")
	}
	out := t.TempDir()
	require.NoError(t, Build(context.Background(), goCmd(t), fakeModule(t), Platform{"windows", "amd64"}, out, Stamp{Version: "1", Commit: "c"}))
	for _, e := range Executables() {
		assert.FileExists(t, filepath.Join(out, e+".exe"))
	}
}

func TestBuildFailureSaysWhy(t *testing.T) {
	mod := fakeModule(t)
	require.NoError(t, os.WriteFile(filepath.Join(mod, "cmd", "regcred-engine", "main.go"), []byte("package main\n\nfunc main() { undefinedThing() }\n"), 0o600))
	err := Build(context.Background(), goCmd(t), mod, Platform{"linux", "amd64"}, t.TempDir(), Stamp{Version: "1", Commit: "c"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "build linux/amd64")
	assert.True(t, strings.Contains(err.Error(), "undefinedThing"), "the compiler's message is lost: %v", err)
}

// TestExecutablesAreTheFrontsNames: the release ships each executable
// under the name the front looks for next to itself.
func TestExecutablesAreTheFrontsNames(t *testing.T) {
	assert.Equal(t, []string{cli.FrontName, cli.EngineName, cli.FetcherName}, Executables())
}
