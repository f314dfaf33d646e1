//go:build linux

package cache

import (
	"path/filepath"

	"golang.org/x/sys/unix"
)

// openRootFast opens path in one openat2 call that refuses every symlink
// on the way, then checks the directory by its descriptor and each parent
// by path (fstatat, not following): a parent that someone else could
// change fails its check whenever it is made, and no one but its owner
// (root or this user) can swap a name inside one that passes. false, with
// nothing held, when the path has a symlink, a part is missing or the
// kernel has no openat2: the walk (openRootDir) then decides.
func openRootFast(path string, uid int) (dirHandle, bool, error) {
	fd, err := unix.Openat2(unix.AT_FDCWD, path, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		return dirHandle{}, false, nil
	}
	if err := checkOpened(fd, path, uid, true); err != nil {
		unix.Close(fd)
		return dirHandle{}, true, err
	}
	for p := filepath.Dir(path); ; p = filepath.Dir(p) {
		var st unix.Stat_t
		if err := fstatatNoFollow(unix.AT_FDCWD, p, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
			unix.Close(fd)
			return dirHandle{}, false, nil
		}
		if err := checkDir(st, p, uid, false); err != nil {
			unix.Close(fd)
			return dirHandle{}, true, err
		}
		if p == "/" {
			break
		}
	}
	return dirHandle{fd: fd, path: path}, true, nil
}
