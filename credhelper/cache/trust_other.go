//go:build !unix

package cache

import (
	"io/fs"
	"os"
)

// lockFileFlags: there are no symlink races to guard against here.
const lockFileFlags = os.O_CREATE | os.O_RDONLY

// currentUID: there are no numeric owners outside unix; the profile
// directory's ACL is what keeps other users out.
func currentUID() int { return -1 }

// readFile is a cache file opened for reading.
type readFile struct{ *os.File }

func openNoFollow(path string) (*readFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &readFile{f}, nil
}

// checkPrivate says whether the open file is a regular file; ownership is
// the profile directory's ACL's business here.
func (f *readFile) checkPrivate(int) (regular bool, err error) {
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	return fi.Mode().IsRegular(), nil
}

func checkOwner(fs.FileInfo, int) error { return nil }

func checkPrivate(fs.FileInfo, int) error { return nil }

func syncDir(string) {}
