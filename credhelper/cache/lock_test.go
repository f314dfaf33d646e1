package cache

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLocker(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	key := testKey("k")
	holder := NewLocker(mustRoot(t, dir), time.Minute)
	unlock, err := holder.Lock(ctx, key)
	require.NoError(t, err)
	fi, err := os.Stat(filepath.Join(dir, "locks", key+".lock"))
	if assert.NoError(t, err, "lock file") {
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "lock file mode")
	}
	fi, err = os.Stat(filepath.Join(dir, "locks"))
	if assert.NoError(t, err, "locks dir") {
		assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), "locks dir mode")
	}

	other := NewLocker(mustRoot(t, dir), 10*time.Millisecond)
	_, err = other.Lock(ctx, key)
	assert.ErrorIs(t, err, ErrLockWait, "Lock while held")
	if u, err := other.Lock(ctx, testKey("another key")); assert.NoError(t, err, "another key's lock is independent") {
		u()
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = NewLocker(mustRoot(t, dir), time.Minute).Lock(cancelled, key)
	assert.ErrorIs(t, err, context.Canceled, "Lock with a cancelled context")

	// The waiter that gave up above is still queued for the lock in the
	// background; it must hand the lock straight back once it gets it, or
	// this Lock would block until its bound.
	unlock()
	again, err := NewLocker(mustRoot(t, dir), time.Minute).Lock(ctx, key)
	require.NoError(t, err, "Lock after release")
	again()
}

func TestLockerRejectsNonKeys(t *testing.T) {
	_, err := NewLocker(mustRoot(t, t.TempDir()), time.Second).Lock(context.Background(), "../../x")
	assert.Error(t, err, "Lock accepted a path as a key")
}
