//go:build unix

package providers

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

// A FIFO with no writer would hold a blocking open forever; the read is
// refused at once instead. The timeout only turns a hang into a failure.
func TestReadFileLimitedRefusesAFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo")
	require.NoError(t, syscall.Mkfifo(path, 0o600))
	done := make(chan error, 1)
	go func() {
		_, err := ReadFileLimited(path, 1<<10)
		done <- err
	}()
	select {
	case err := <-done:
		testkit.WantErr(t, err, ErrNotRegular, path)
	case <-time.After(30 * time.Second):
		require.Fail(t, "ReadFileLimited waits on a FIFO with no writer")
	}
}
