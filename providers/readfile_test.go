package providers

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

func TestReadFileLimited(t *testing.T) {
	const secret = "s3cr3t-T0ken-in-the-file"
	const limit = 64
	dir := t.TempDir()
	fits := strings.Repeat("x", limit-len(secret)) + secret
	testkit.WriteFile(t, filepath.Join(dir, "fits"), fits)
	testkit.WriteFile(t, filepath.Join(dir, "over"), fits+"!")
	testkit.WriteFile(t, filepath.Join(dir, "empty"), "")
	require.NoError(t, os.Mkdir(filepath.Join(dir, "adir"), 0o700))
	linked := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(dir, "fits"), linked); err != nil {
		linked = "" // no symlinks here (Windows without the privilege)
	}
	tests := []struct {
		name    string
		file    string
		want    string
		wantErr error
		errHas  []string
	}{
		{name: "exactly the limit", file: "fits", want: fits},
		{name: "empty", file: "empty", want: ""},
		{name: "a symlink is followed", file: "link", want: fits},
		{name: "one byte over the limit", file: "over", wantErr: ErrTooLarge, errHas: []string{"over", "64 bytes"}},
		{name: "a directory", file: "adir", wantErr: syscall.EISDIR, errHas: []string{"adir", "is a directory"}},
		{name: "missing", file: "absent", wantErr: fs.ErrNotExist, errHas: []string{"absent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.file == "link" && linked == "" {
				t.Skip("symlinks cannot be made here")
			}
			path := filepath.Join(dir, tt.file)
			data, err := ReadFileLimited(path, limit)
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, tt.want, string(data))
				return
			}
			testkit.WantErr(t, err, tt.wantErr, tt.errHas...)
			assert.Nil(t, data, "a refused read returns no data")
			var pe *fs.PathError
			require.ErrorAs(t, err, &pe, "callers unwrap the path error to show the path their way")
			assert.Equal(t, path, pe.Path)
			testkit.AssertNoSecret(t, "error", err.Error(), secret)
		})
	}
}

func TestReadFileLimitedInfo(t *testing.T) {
	path := testkit.TempFile(t, "config", "a: 1\n")
	data, info, err := ReadFileLimitedInfo(path, 1<<10)
	require.NoError(t, err)
	assert.Equal(t, "a: 1\n", string(data))
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.True(t, os.SameFile(st, info), "the info is the file read's")
}
