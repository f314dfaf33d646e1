//go:build !unix

package userfile

import (
	"context"
	"path/filepath"

	"github.com/gofrs/flock"
)

// lockDir outside unix locks .<name>.lock beside target (a directory
// cannot be locked there); the file stays, as removing it would let a
// waiter lock a name another run has re-created.
func lockDir(ctx context.Context, target string) (func(), error) {
	l := flock.New(filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".lock"), flock.SetPermissions(0o600))
	ok, err := l.TryLockContext(ctx, lockPoll)
	if err == nil && !ok {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	return func() { _ = l.Unlock() }, nil
}
