//go:build unix

package userfile

import (
	"os"
	"syscall"
)

// openDirNoFollow opens dir, failing if it is a symlink or not a directory.
func openDirNoFollow(dir string) (*os.File, error) {
	return os.OpenFile(dir, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_DIRECTORY, 0)
}
