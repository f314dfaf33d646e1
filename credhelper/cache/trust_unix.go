//go:build unix

package cache

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

func currentUID() int { return os.Getuid() }

// readFile is a cache file opened for reading with bare system calls: an
// os.File costs a poller check and a finalizer, which a warm `get` (two
// small reads) notices.
type readFile struct {
	fd   int
	path string
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
// whether it belongs to uid and is closed to everyone else. The cache
// writes 0600, so any group or other bit means someone else wrote or
// loosened it.
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
