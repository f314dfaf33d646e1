package userfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// mkdirOwned creates dir and any missing parents with mode, each owned by
// the owner of the directory it is made in: root running a set-up command
// for a user (sudo) must not leave root-owned directories in their home.
func mkdirOwned(dir string, mode fs.FileMode) error {
	info, err := os.Stat(dir)
	if err == nil {
		if !info.IsDir() {
			return fmt.Errorf("%s is not a directory", dir)
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("looking at %s: %w", dir, err)
	}
	parent := filepath.Dir(dir)
	if parent == dir {
		return fmt.Errorf("looking at %s: %w", dir, err)
	}
	if err := mkdirOwned(parent, mode); err != nil {
		return err
	}
	if err := os.Mkdir(dir, mode); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	if err := os.Chmod(dir, mode); err != nil { // whatever the umask made of it
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	pinfo, err := os.Stat(parent)
	if err != nil {
		return fmt.Errorf("looking at %s: %w", parent, err)
	}
	return chownLike(dir, ownerOf(pinfo))
}
