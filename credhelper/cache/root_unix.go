//go:build unix

package cache

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// dirFlags open a directory and nothing else: a symlink in its place fails
// (ELOOP, or ENOTDIR on some systems) instead of being followed.
const dirFlags = unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC

// maxLinks bounds the symlinks followed above the root, as the kernel's
// own resolver does (40 on Linux).
const maxLinks = 40

// dirHandle is an open directory; every name below it is looked up
// relative to it (the *at system calls), never by path again.
type dirHandle struct {
	fd   int
	path string // for messages only
}

// openRootDir resolves path one component at a time from "/", each
// directory opened relative to the one before and checked the way
// OpenSSH's StrictModes checks a home directory's parents: owned by root
// or uid, writable by group or others only with the sticky bit. Symlinks
// above the root are followed only when their owner is root or uid (what
// fs.protected_symlinks enforces for sticky directories); the root itself
// must not be one, must belong to uid and be writable by no one else. With
// create, missing directories are made 0700 on the way.
func openRootDir(path string, uid int, create bool) (dirHandle, error) {
	if !filepath.IsAbs(path) {
		return dirHandle{}, fmt.Errorf("%w: %s is not an absolute path", ErrUntrustedRoot, path)
	}
	path = filepath.Clean(path)
	if d, decided, err := openRootFast(path, uid); decided {
		return d, err
	}
	fd, err := openChecked(unix.AT_FDCWD, "/", "/", uid, false)
	if err != nil {
		return dirHandle{}, err
	}
	comps, links, at := splitPath(path), 0, "/"
	for len(comps) > 0 {
		name, last := comps[0], len(comps) == 1
		comps = comps[1:]
		next := filepath.Join(at, name)
		// The common case first: a real directory, opened and checked in
		// two system calls (calls are what a warm get pays for); only a
		// name that is not one is looked at closer.
		if nfd, err := openDirAt(fd, name); err == nil {
			unix.Close(fd)
			if err := checkOpened(nfd, next, uid, last); err != nil {
				unix.Close(nfd)
				return dirHandle{}, err
			}
			fd, at = nfd, next
			continue
		}
		target, isLink, err := symlinkAt(fd, name, next, uid)
		switch {
		case err != nil && errors.Is(err, fs.ErrNotExist) && create:
			if err := unix.Mkdirat(fd, name, 0o700); err != nil && err != unix.EEXIST {
				unix.Close(fd)
				return dirHandle{}, &fs.PathError{Op: "mkdir", Path: next, Err: err}
			}
		case err != nil:
			unix.Close(fd)
			return dirHandle{}, err
		case isLink && last:
			unix.Close(fd)
			return dirHandle{}, fmt.Errorf("%w: %s is a symlink (point cache.dir at the directory itself)", ErrUntrustedRoot, next)
		case isLink:
			if links++; links > maxLinks {
				unix.Close(fd)
				return dirHandle{}, fmt.Errorf("%w: too many symlinks resolving %s", ErrUntrustedRoot, path)
			}
			comps = append(splitPath(target), comps...)
			if filepath.IsAbs(target) {
				unix.Close(fd)
				if fd, err = openChecked(unix.AT_FDCWD, "/", "/", uid, false); err != nil {
					return dirHandle{}, err
				}
				at = "/"
			}
			continue
		}
		nfd, err := openChecked(fd, name, next, uid, last)
		unix.Close(fd)
		if err != nil {
			return dirHandle{}, err
		}
		fd, at = nfd, next
	}
	return dirHandle{fd: fd, path: filepath.Clean(path)}, nil
}

func splitPath(p string) []string {
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}

// symlinkAt says whether dirfd/name is a symlink and, if so, where it
// points. A link owned by someone other than root or uid is refused: in a
// shared directory its owner could repoint it at will.
func symlinkAt(dirfd int, name, path string, uid int) (target string, isLink bool, err error) {
	var st unix.Stat_t
	if err := fstatatNoFollow(dirfd, name, &st); err != nil {
		return "", false, &fs.PathError{Op: "lstat", Path: path, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFLNK {
		return "", false, nil
	}
	if st.Uid != 0 && int(st.Uid) != uid {
		return "", true, fmt.Errorf("%w: symlink %s is owned by uid %d, neither root nor uid %d", ErrUntrustedRoot, path, st.Uid, uid)
	}
	buf := make([]byte, 4096)
	n, err := unix.Readlinkat(dirfd, name, buf)
	if err != nil {
		return "", true, &fs.PathError{Op: "readlink", Path: path, Err: err}
	}
	return string(buf[:n]), true, nil
}

// openChecked opens dirfd/name as a directory and checks it: the root
// (root true) as the cache's own directory, anything above it as a parent.
func openChecked(dirfd int, name, path string, uid int, root bool) (int, error) {
	fd, err := openDirAt(dirfd, name)
	if err != nil {
		if err == unix.ELOOP || err == unix.ENOTDIR {
			return -1, fmt.Errorf("%w: %s is not a directory", ErrUntrustedRoot, path)
		}
		return -1, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	if err := checkOpened(fd, path, uid, root); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// openDirAt opens dirfd/name if it is a directory and not a symlink.
func openDirAt(dirfd int, name string) (int, error) { return openat(dirfd, name, dirFlags, 0) }

// checkOpened checks the directory open on fd (see checkDir).
func checkOpened(fd int, path string, uid int, root bool) error {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	return checkDir(st, path, uid, root)
}

// checkDir: a cache directory belongs to uid and no one else may write to
// it; a parent belongs to root or uid and, if others may write to it, has
// the sticky bit, so they cannot rename what is ours inside it.
func checkDir(st unix.Stat_t, path string, uid int, own bool) error {
	perm := st.Mode & 0o7777
	switch {
	case own && int(st.Uid) != uid:
		return fmt.Errorf("%w: %s is owned by uid %d, not %d", ErrUntrustedRoot, path, st.Uid, uid)
	case own && perm&0o022 != 0:
		return fmt.Errorf("%w: %s has mode %#o, writable by other users", ErrUntrustedRoot, path, perm)
	case !own && st.Uid != 0 && int(st.Uid) != uid:
		return fmt.Errorf("%w: its parent %s is owned by uid %d, neither root nor uid %d", ErrUntrustedRoot, path, st.Uid, uid)
	case !own && perm&0o022 != 0 && perm&unix.S_ISVTX == 0:
		return fmt.Errorf("%w: its parent %s has mode %#o, writable by other users without the sticky bit", ErrUntrustedRoot, path, perm)
	}
	return nil
}

// openSub opens (with create, makes 0700) the subdirectory name, which
// must be a cache directory of uid's in its own right.
func (d dirHandle) openSub(name string, uid int, create bool) (dirHandle, error) {
	path := filepath.Join(d.path, name)
	if create {
		if err := unix.Mkdirat(d.fd, name, 0o700); err != nil && err != unix.EEXIST {
			return dirHandle{}, &fs.PathError{Op: "mkdir", Path: path, Err: err}
		}
	}
	fd, err := openChecked(d.fd, name, path, uid, true)
	if err != nil {
		return dirHandle{}, err
	}
	return dirHandle{fd: fd, path: path}, nil
}

func (d dirHandle) close() { unix.Close(d.fd) }

// readPrivate reads d/name if it is a regular file (not a symlink) owned
// by uid and closed to group and others, checked on the open descriptor.
func (d dirHandle) readPrivate(name string, uid int) ([]byte, error) {
	path := filepath.Join(d.path, name)
	fd, err := openat(d.fd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err == unix.ELOOP {
		return nil, fmt.Errorf("%w: %s is a symlink", errUntrusted, path)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	f := &readFile{fd: fd, path: path}
	defer f.Close()
	regular, err := f.checkPrivate(uid)
	switch {
	case err != nil && !regular:
		return nil, err
	case !regular:
		return nil, fmt.Errorf("%w: %s is not a regular file", errUntrusted, path)
	case err != nil:
		return nil, fmt.Errorf("%w: %s %w", errUntrusted, path, err)
	}
	return readLimited(f, path)
}

// writeAtomic replaces d/name with data: a new 0600 temporary file, synced,
// renamed over the old one within the same open directory. A reader sees
// the old file or the new one; on every failure the temporary file goes.
func (d dirHandle) writeAtomic(name string, data []byte) (err error) {
	tmp, err := tempName()
	if err != nil {
		return err
	}
	fd, err := openat(d.fd, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return &fs.PathError{Op: "create", Path: filepath.Join(d.path, tmp), Err: err}
	}
	defer func() {
		if err != nil {
			_ = unix.Unlinkat(d.fd, tmp, 0)
		}
	}()
	err = writeAll(fd, data)
	if cerr := unix.Close(fd); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Join(d.path, tmp), err)
	}
	if err = unix.Renameat(d.fd, tmp, d.fd, name); err != nil {
		return &fs.PathError{Op: "rename", Path: filepath.Join(d.path, name), Err: err}
	}
	_ = unix.Fsync(d.fd) // durability of the rename; it has happened either way
	return nil
}

func writeAll(fd int, data []byte) error {
	if err := unix.Fchmod(fd, 0o600); err != nil { // whatever the umask made of it
		return err
	}
	for len(data) > 0 {
		n, err := unix.Write(fd, data)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		data = data[n:]
	}
	return unix.Fsync(fd)
}

func tempName() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("naming a temporary file: %w", err)
	}
	return tempPrefix + hex.EncodeToString(b[:]), nil
}

func (d dirHandle) remove(name string) error {
	if err := unix.Unlinkat(d.fd, name, 0); err != nil {
		return &fs.PathError{Op: "remove", Path: filepath.Join(d.path, name), Err: err}
	}
	return nil
}

// stat describes d/name without following a symlink.
func (d dirHandle) stat(name string) (entryStat, error) {
	var st unix.Stat_t
	if err := fstatatNoFollow(d.fd, name, &st); err != nil {
		return entryStat{}, &fs.PathError{Op: "lstat", Path: filepath.Join(d.path, name), Err: err}
	}
	return entryStat{regular: st.Mode&unix.S_IFMT == unix.S_IFREG, modTime: time.Unix(st.Mtim.Unix())}, nil
}

// names lists d's entries through a descriptor of its own, so listing
// twice never starts where the last listing stopped.
func (d dirHandle) names() ([]string, error) {
	fd, err := openat(d.fd, ".", dirFlags, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: d.path, Err: err}
	}
	f := os.NewFile(uintptr(fd), d.path)
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil && err != io.EOF {
		return nil, err
	}
	return names, nil
}

// lockFile opens (creating it 0600) the lock file d/name, never through a
// symlink.
func (d dirHandle) lockFile(name string) (fileLock, error) {
	fd, err := openat(d.fd, name, unix.O_RDONLY|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: filepath.Join(d.path, name), Err: err}
	}
	return flockFile{fd: fd}, nil
}

// flockFile is flock(2) on an open lock file; closing it releases the lock.
type flockFile struct{ fd int }

func (l flockFile) Lock() error {
	for {
		err := unix.Flock(l.fd, unix.LOCK_EX)
		if err != unix.EINTR {
			return err
		}
	}
}

func (l flockFile) Close() error { return unix.Close(l.fd) }

func openat(dirfd int, name string, flags int, mode uint32) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, flags, mode)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

func fstatatNoFollow(dirfd int, name string, st *unix.Stat_t) error {
	return unix.Fstatat(dirfd, name, st, unix.AT_SYMLINK_NOFOLLOW)
}
