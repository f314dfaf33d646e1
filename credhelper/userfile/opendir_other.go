//go:build !unix

package userfile

import (
	"fmt"
	"io/fs"
	"os"
)

// openDirNoFollow opens dir, refusing a symlink (checked by name: Windows
// offers no O_NOFOLLOW to os.OpenFile).
func openDirNoFollow(dir string) (*os.File, error) {
	info, err := os.Lstat(dir)
	if err != nil {
		return nil, err
	}
	if info.Mode()&fs.ModeSymlink != 0 || !info.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	return os.Open(dir)
}
