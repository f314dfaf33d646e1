package providers

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

func TestFileError(t *testing.T) {
	const secretish = "ghp_S3cr3tT0kenXyz"
	dir := t.TempDir()
	absent := filepath.Join(dir, "absent")
	_, notExist := os.Open(absent)
	require.ErrorIs(t, notExist, fs.ErrNotExist)
	tests := []struct {
		name, path string
		err        error
		want       error
		text       string
	}{
		{name: "missing", path: absent, err: notExist, want: ErrNoIdentity, text: "token file " + absent + " does not exist"},
		{name: "permission", path: "/etc/x", err: &fs.PathError{Op: "open", Path: "/etc/x", Err: fs.ErrPermission}, want: ErrDenied, text: "token file /etc/x: permission denied"},
		{name: "other keeps the cause", path: "/etc/x", err: &fs.PathError{Op: "read", Path: "/etc/x", Err: syscall.EISDIR}, want: ErrInvalid, text: "token file /etc/x: is a directory"},
		{name: "relative path not repeated", path: secretish, err: &fs.PathError{Op: "open", Path: secretish, Err: fs.ErrNotExist}, want: ErrNoIdentity, text: "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := FileError("token file", tt.path, tt.err, ErrNoIdentity, ErrInvalid)
			testkit.WantErr(t, err, tt.want, tt.text)
			if errors.Is(tt.err, syscall.EISDIR) {
				assert.ErrorIs(t, err, syscall.EISDIR, "the cause is wrapped")
			}
			testkit.AssertNoSecret(t, "error", err.Error(), secretish)
		})
	}
}
