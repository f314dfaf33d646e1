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

func openNoFollow(path string) (*os.File, error) { return os.Open(path) }

func checkOwner(fs.FileInfo, int) error { return nil }

func checkPrivate(fs.FileInfo, int) error { return nil }

func syncDir(string) {}
