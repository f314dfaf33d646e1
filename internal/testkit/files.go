package testkit

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// WriteFile writes content to path with mode 0600, creating the missing
// directories above it with mode 0700; it stops the test on error.
func WriteFile(t testing.TB, path, content string) {
	t.Helper()
	WriteFileMode(t, path, content, 0o600)
}

// WriteFileMode is WriteFile with the file's mode given (the umask still
// applies, as it does to os.WriteFile).
func WriteFileMode(t testing.TB, path, content string, mode os.FileMode) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(t, os.WriteFile(path, []byte(content), mode))
}

// TempFile writes content to a file called name in a new temporary
// directory of the test and returns the file's path.
func TempFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	WriteFile(t, p, content)
	return p
}

// ReadFile returns the content of path; it stops the test on error.
func ReadFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

// CopyFile copies from to to, as os.WriteFile writes: a new file gets mode
// (less the umask), an existing one is truncated and keeps its own. It
// stops the test on error.
func CopyFile(t testing.TB, from, to string, mode os.FileMode) {
	t.Helper()
	require.NoError(t, os.WriteFile(to, ReadFile(t, from), mode))
}
