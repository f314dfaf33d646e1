//go:build unix

package userfile

import (
	"context"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// lockDir takes flock(2) on target's directory itself: the file cannot be
// locked (the rename replaces it), and a lock file beside it would be
// clutter in ~/.docker or registries.conf.d that no one else uses.
func lockDir(ctx context.Context, target string) (func(), error) {
	fd, err := unix.Open(filepath.Dir(target), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	for {
		err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return func() { unix.Close(fd) }, nil
		}
		if err != unix.EWOULDBLOCK && err != unix.EINTR {
			unix.Close(fd)
			return nil, err
		}
		select {
		case <-ctx.Done():
			unix.Close(fd)
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}
