//go:build unix

package staticread

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// file is an open regular file, read with bare system calls (an os.File
// costs the front's warm `get` a poller check and a finalizer).
type file struct {
	fd int
	st syscall.Stat_t
}

// openRegular opens path without blocking (a FIFO would wait for a
// writer) and keeps it only if it is a regular file.
func openRegular(path string) (*file, error) {
	fd, err := openRetry(path)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	f := &file{fd: fd}
	if err := syscall.Fstat(fd, &f.st); err != nil {
		f.Close()
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	switch f.st.Mode & syscall.S_IFMT {
	case syscall.S_IFREG:
		return f, nil
	case syscall.S_IFDIR:
		err = errIsDir
	default:
		err = errNotRegular
	}
	f.Close()
	return nil, err
}

func openRetry(path string) (int, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

func (f *file) Read(p []byte) (int, error) {
	for {
		n, err := syscall.Read(f.fd, p)
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return 0, err
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

func (f *file) Close() error { return syscall.Close(f.fd) }

// untrusted says what lets someone other than the user (or root) read or
// choose the secret, "" when nothing: the file belonging to another user,
// being readable by others or writable by group or others, or being a
// symlink another user owns (who then chooses what it points to). Group
// read is allowed: a group (a Kubernetes fsGroup, a deploy group) is how a
// secret is shared on purpose. Symlinks root or the user own are followed
// (Kubernetes mounts Secrets through them).
func (f *file) untrusted(path string) string {
	uid := uint32(os.Geteuid())
	if f.st.Uid != uid && f.st.Uid != 0 {
		return fmt.Sprintf("belongs to uid %d, not to you (uid %d) or root; chown it", f.st.Uid, uid)
	}
	perm := fs.FileMode(f.st.Mode).Perm()
	if perm&0o022 != 0 {
		return fmt.Sprintf("can be changed by other users (mode %#o); chmod go-w it", perm)
	}
	if perm&0o004 != 0 {
		return fmt.Sprintf("is readable by other users (mode %#o); chmod o-rwx it", perm)
	}
	var lst syscall.Stat_t
	if syscall.Lstat(path, &lst) == nil && lst.Mode&syscall.S_IFMT == syscall.S_IFLNK && lst.Uid != uid && lst.Uid != 0 {
		return fmt.Sprintf("is a symlink owned by uid %d, who chooses what it points to", lst.Uid)
	}
	return ""
}
