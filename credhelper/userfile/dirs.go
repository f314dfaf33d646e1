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
	err = os.Mkdir(dir, mode)
	if errors.Is(err, fs.ErrExist) {
		return nil // made by a concurrent editor: not ours to chmod or chown
	}
	if err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	pinfo, err := os.Stat(parent)
	if err != nil {
		return fmt.Errorf("looking at %s: %w", parent, err)
	}
	return settleNewDir(dir, mode, ownerOf(pinfo))
}

// settleNewDir gives the directory just made its mode (whatever the umask
// made of it) and owner, through a descriptor opened without following a
// symlink: whoever owns the parent could swap the name for a link to a
// directory of root's between the mkdir and here.
func settleNewDir(dir string, mode fs.FileMode, o owner) error {
	f, err := openDirNoFollow(dir)
	if err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	defer f.Close()
	if err := f.Chmod(mode); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	return chownFileLike(f, o)
}
