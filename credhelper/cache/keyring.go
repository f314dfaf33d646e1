package cache

import (
	"context"
	"fmt"
	"time"
)

// Keyring is go-keyring's shape, so the real OS keyring (package
// oskeyring) and test doubles are interchangeable. Get and Delete of a
// missing item return an error wrapping fs.ErrNotExist.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// DefaultKeyringService is the service name cache items are filed under.
const DefaultKeyringService = "regcred-cache"

// DefaultKeyringTimeout bounds one keyring call. A locked Secret Service
// may show an unlock prompt nobody answers (a CI job, an ssh session); the
// call then falls back to the file store instead of hanging the pull.
const DefaultKeyringTimeout = 5 * time.Second

// busUser is a Keyring that must be told which session bus to use.
type busUser interface{ UseBus(address string) error }

// boundedKeyring gives a Keyring a context and a deadline. go-keyring calls
// cannot be cancelled, so a call that overruns keeps running in the
// background; it is abandoned, and its result dropped.
type boundedKeyring struct {
	k       Keyring
	timeout time.Duration
}

func (b boundedKeyring) get(ctx context.Context, service, user string) (string, error) {
	var v string
	err := b.do(ctx, "get", func() error {
		var err error
		v, err = b.k.Get(service, user)
		return err
	})
	return v, err
}

func (b boundedKeyring) set(ctx context.Context, service, user, secret string) error {
	return b.do(ctx, "set", func() error { return b.k.Set(service, user, secret) })
}

func (b boundedKeyring) delete(ctx context.Context, service, user string) error {
	return b.do(ctx, "delete", func() error { return b.k.Delete(service, user) })
}

func (b boundedKeyring) do(ctx context.Context, op string, fn func() error) error {
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("keyring %s: no answer: %w", op, ctx.Err())
	}
}
