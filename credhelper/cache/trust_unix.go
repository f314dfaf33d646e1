//go:build unix

package cache

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// lockFileFlags: lock files are opened, never followed through a symlink.
const lockFileFlags = os.O_CREATE | os.O_RDONLY | syscall.O_NOFOLLOW

func currentUID() int { return os.Getuid() }

// readFile is a cache file opened for reading with bare system calls: an
// os.File costs a poller check and a finalizer, which a warm `get` (two
// small reads) notices.
type readFile struct {
	fd   int
	path string
}

func openNoFollow(path string) (*readFile, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return &readFile{fd: fd, path: path}, nil
	}
}

func (f *readFile) Read(p []byte) (int, error) {
	for {
		n, err := syscall.Read(f.fd, p)
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return 0, &fs.PathError{Op: "read", Path: f.path, Err: err}
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

func (f *readFile) Close() error { return syscall.Close(f.fd) }

// checkPrivate says whether the open file is a regular file and, if so,
// whether it belongs to uid and is closed to everyone else (as checkPrivate
// of a FileInfo does).
func (f *readFile) checkPrivate(uid int) (regular bool, err error) {
	var st syscall.Stat_t
	if err := syscall.Fstat(f.fd, &st); err != nil {
		return false, &fs.PathError{Op: "stat", Path: f.path, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return false, nil
	}
	if int(st.Uid) != uid {
		return true, fmt.Errorf("is owned by uid %d, not %d", st.Uid, uid)
	}
	if perm := fs.FileMode(st.Mode).Perm(); perm&0o077 != 0 {
		return true, fmt.Errorf("has mode %#o, open to other users", perm)
	}
	return true, nil
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
