//go:build !unix

package cache

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"
)

// currentUID: there are no numeric owners outside unix; the profile
// directory's ACL is what keeps other users out.
func currentUID() int { return -1 }

// dirHandle outside unix is a path: Windows has no *at system calls in
// the standard library, and %LocalAppData% is closed to other users by
// its ACL, which is the boundary there (docs/security.md). What can be
// checked by path still is: no symlink (reparse point) as the root, no
// symlink read as a file.
type dirHandle struct{ path string }

func openRootDir(path string, _ int, create bool) (dirHandle, error) {
	if !filepath.IsAbs(path) {
		return dirHandle{}, fmt.Errorf("%w: %s is not an absolute path", ErrUntrustedRoot, path)
	}
	if create {
		if err := os.MkdirAll(path, 0o700); err != nil {
			return dirHandle{}, err
		}
	}
	return checkDirPath(path)
}

func checkDirPath(path string) (dirHandle, error) {
	fi, err := os.Lstat(path)
	switch {
	case err != nil:
		return dirHandle{}, err
	case fi.Mode()&fs.ModeSymlink != 0:
		return dirHandle{}, fmt.Errorf("%w: %s is a symlink", ErrUntrustedRoot, path)
	case !fi.IsDir():
		return dirHandle{}, fmt.Errorf("%w: %s is not a directory", ErrUntrustedRoot, path)
	}
	return dirHandle{path: path}, nil
}

func (d dirHandle) openSub(name string, _ int, create bool) (dirHandle, error) {
	p := filepath.Join(d.path, name)
	if create {
		if err := os.Mkdir(p, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return dirHandle{}, err
		}
	}
	return checkDirPath(p)
}

func (d dirHandle) close() {}

func (d dirHandle) readPrivate(name string, _ int) ([]byte, error) {
	p := filepath.Join(d.path, name)
	if fi, err := os.Lstat(p); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", errUntrusted, p)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, p)
}

func (d dirHandle) writeAtomic(name string, data []byte) (err error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Errorf("naming a temporary file: %w", err)
	}
	tmp := filepath.Join(d.path, tempPrefix+hex.EncodeToString(b[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	return os.Rename(tmp, filepath.Join(d.path, name))
}

func (d dirHandle) remove(name string) error { return os.Remove(filepath.Join(d.path, name)) }

func (d dirHandle) stat(name string) (entryStat, error) {
	fi, err := os.Lstat(filepath.Join(d.path, name))
	if err != nil {
		return entryStat{}, err
	}
	return entryStat{regular: fi.Mode().IsRegular(), modTime: fi.ModTime()}, nil
}

func (d dirHandle) names() ([]string, error) {
	ents, err := os.ReadDir(d.path)
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names, err
}

func (d dirHandle) lockFile(name string) (fileLock, error) {
	return flockLock{flock.New(filepath.Join(d.path, name), flock.SetPermissions(0o600))}, nil
}

// flockLock is LockFileEx through gofrs/flock.
type flockLock struct{ f *flock.Flock }

func (l flockLock) Lock() error  { return l.f.Lock() }
func (l flockLock) Close() error { return l.f.Unlock() }
