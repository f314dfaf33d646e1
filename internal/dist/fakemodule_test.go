package dist

import (
	"go/build"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

// fakeModule writes a module shaped like regcred's as `make dist` reads it:
// every command (printing what the linker stamped), README.md, LICENSE,
// docs/ and packaging/config.yaml. It builds in a second.
func fakeModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	main := "package main\n\nimport \"fmt\"\n\nvar version, commit string\n\nfunc main() { fmt.Println(version, commit) }\n"
	testkit.WriteFile(t, filepath.Join(dir, "go.mod"), "module example.com/fake\n\ngo 1.26\n")
	for _, e := range Executables() {
		testkit.WriteFile(t, filepath.Join(dir, "cmd", e, "main.go"), main)
	}
	testkit.WriteFile(t, filepath.Join(dir, "README.md"), "# fake\n")
	testkit.WriteFile(t, filepath.Join(dir, "LICENSE"), "license\n")
	testkit.WriteFile(t, filepath.Join(dir, "docs", "config.md"), "# config\n")
	testkit.WriteFile(t, filepath.Join(dir, "docs", "security.md"), "# security\n")
	testkit.WriteFile(t, filepath.Join(dir, "packaging", "config.yaml"), "# registries: []\n")
	return dir
}

// goCmd is the go command the tests build with.
func goCmd(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	require.NoError(t, err, "go is not on PATH")
	return p
}

// nfpmCmd is `make tools`' nfpm: skipped without it, failed in CI, where
// make tools has installed it.
func nfpmCmd(t *testing.T) string {
	t.Helper()
	p := filepath.Join(build.Default.GOPATH, "bin", "nfpm")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	msg := p + " not found: make tools installs it"
	require.NotEqual(t, "true", os.Getenv("CI"), msg)
	t.Skip(msg)
	return ""
}
