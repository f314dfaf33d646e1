package userfile

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// lockWait bounds how long an edit waits for another regcred editing the
// same file.
const lockWait = 30 * time.Second

// lockBeside takes an exclusive lock on .<name>.lock beside target, owned
// like the directory (the file cannot be locked itself: the rename
// replaces it). The lock file stays: removing it would let a waiter lock
// a name another run has already re-created.
func lockBeside(ctx context.Context, target string) (unlock func(), err error) {
	dir := filepath.Dir(target)
	path := filepath.Join(dir, "."+filepath.Base(target)+".lock")
	ctx, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	l := flock.New(path, flock.SetPermissions(0o600))
	ok, err := l.TryLockContext(ctx, 10*time.Millisecond)
	if err != nil || !ok {
		return nil, fmt.Errorf("waiting for another regcred editing %s (lock %s): %w", target, path, lockErr(ctx, err))
	}
	if info, err := os.Stat(dir); err == nil {
		_ = chownLike(path, ownerOf(info)) // a lock file root made in a user's directory stays removable by them
	}
	return func() { _ = l.Unlock() }, nil
}

func lockErr(ctx context.Context, err error) error {
	if err != nil {
		return err
	}
	return ctx.Err()
}
