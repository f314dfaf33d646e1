package registrytest

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// RequireTool returns the path of a program the test needs. Without it the
// test is skipped on a developer's machine and fails in CI (CI=true), where
// .ci/run must have installed it.
func RequireTool(t testing.TB, name, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	msg := name + " not found; install it with: apt-get install " + debianPackage
	require.NotEqual(t, "true", os.Getenv("CI"), msg)
	t.Skip(msg)
	return ""
}
