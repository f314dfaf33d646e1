package cache

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrLockWait: another process held the key's lock for longer than the
// Locker's bound. The caller should fetch on its own rather than fail.
var ErrLockWait = errors.New("timed out waiting for the cache lock")

// Locker serialises fetches of one key across processes with an advisory
// lock (flock(2), LockFileEx on Windows) on <root>/locks/<key>.lock. The
// kernel drops the lock when its holder exits, however it exits, so a
// crashed holder never blocks anyone; a live holder that hangs blocks
// others for at most the wait bound. Lock files are left in place: deleting
// one while another process waits on it would let two holders in.
type Locker struct {
	root *Root
	wait time.Duration
}

// NewLocker locks under root/locks, waiting at most wait for a lock.
func NewLocker(root *Root, wait time.Duration) *Locker {
	return &Locker{root: root, wait: wait}
}

// Lock takes key's lock, waiting until it is free, ctx is done (ctx's
// error) or the wait bound passes (ErrLockWait). unlock releases it.
func (l *Locker) Lock(ctx context.Context, key string) (unlock func(), err error) {
	if err := checkCall(ctx, key); err != nil {
		return nil, err
	}
	name := key + ".lock"
	fl, err := l.root.lock(locksDir, name)
	if err != nil {
		return nil, fmt.Errorf("opening the lock file: %w", err)
	}
	// A blocking lock in a goroutine wakes the moment the holder lets go;
	// polling would add up to a poll interval to every waiter.
	done := make(chan error, 1)
	go func() { done <- fl.Lock() }()
	timer := time.NewTimer(l.wait)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			fl.Close()
			return nil, fmt.Errorf("locking %s: %w", l.root.describe(locksDir, name), err)
		}
		return func() { _ = fl.Close() }, nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-timer.C:
		err = fmt.Errorf("%w (%s) on %s", ErrLockWait, l.wait, l.root.describe(locksDir, name))
	}
	// The goroutine still waits for the lock; whenever it gets it (or
	// fails), give it straight back.
	go func() {
		<-done
		_ = fl.Close()
	}()
	return nil, err
}
