//go:build unix

package cache

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// lockFileFlags: lock files are opened, never followed through a symlink.
const lockFileFlags = os.O_CREATE | os.O_RDONLY | syscall.O_NOFOLLOW

func currentUID() int { return os.Getuid() }

func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
}

// checkOwner: the file belongs to uid.
func checkOwner(fi fs.FileInfo, uid int) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Errorf("has no owner information")
	}
	if int(st.Uid) != uid {
		return fmt.Errorf("is owned by uid %d, not %d", st.Uid, uid)
	}
	return nil
}

// checkPrivate: the file belongs to uid and no one else may read or write
// it. The cache writes 0600, so any group or other bit means someone else
// wrote or loosened it.
func checkPrivate(fi fs.FileInfo, uid int) error {
	if err := checkOwner(fi, uid); err != nil {
		return err
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("has mode %#o, open to other users", perm)
	}
	return nil
}

// syncDir makes a rename durable. Best effort: the rename itself already
// happened, and failing here would only lose a cache entry on power loss.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
