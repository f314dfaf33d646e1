package cache

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLocker(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	key := testKey("k")
	holder := NewLocker(mustRoot(t, dir), time.Minute)
	unlock, err := holder.Lock(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "locks", key+".lock"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("lock file: %v, %v; want mode 0600", fi, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "locks")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("locks dir: %v, %v; want mode 0700", fi, err)
	}

	other := NewLocker(mustRoot(t, dir), 10*time.Millisecond)
	if _, err := other.Lock(ctx, key); !errors.Is(err, ErrLockWait) {
		t.Errorf("Lock while held = %v, want ErrLockWait", err)
	}
	if u, err := other.Lock(ctx, testKey("another key")); err != nil {
		t.Errorf("another key's lock is independent: %v", err)
	} else {
		u()
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := NewLocker(mustRoot(t, dir), time.Minute).Lock(cancelled, key); !errors.Is(err, context.Canceled) {
		t.Errorf("Lock with a cancelled context = %v", err)
	}

	// The waiter that gave up above is still queued for the lock in the
	// background; it must hand the lock straight back once it gets it, or
	// this Lock would block until its bound.
	unlock()
	again, err := NewLocker(mustRoot(t, dir), time.Minute).Lock(ctx, key)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	again()
}

func TestLockerRejectsNonKeys(t *testing.T) {
	if _, err := NewLocker(mustRoot(t, t.TempDir()), time.Second).Lock(context.Background(), "../../x"); err == nil {
		t.Error("Lock accepted a path as a key")
	}
}
