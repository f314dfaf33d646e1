package cache

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
)

// sealedFirst is `auto` where the kernel can hold a sealing key: the sealed
// store, with what auto used before behind it (the Secret Service with the
// file store behind that, or the file store). When a key call fails (a
// seccomp filter refuses it, no persistent keyrings, a full key quota) the
// rest takes over for the rest of this Cache's life, with one debug line
// that says why; nothing is lost, since reads look behind on a miss too.
type sealedFirst struct {
	sealed *sealedStore
	rest   Store
	log    *slog.Logger
	down   atomic.Bool
}

// Name is the store that takes writes now: sealed, or the one behind.
func (s *sealedFirst) Name() string {
	if s.down.Load() {
		return s.rest.Name()
	}
	return KindSealed
}

func (s *sealedFirst) failed(op string, err error) {
	if !s.down.Swap(true) {
		s.log.Debug("sealed token store unavailable; using the next store for the rest of this run",
			"op", op, "next", s.rest.Name(), "error", err)
	}
}

func (s *sealedFirst) Get(ctx context.Context, key string) (Entry, bool, error) {
	if err := checkCall(ctx, key); err != nil {
		return Entry{}, false, err
	}
	if !s.down.Load() {
		e, ok, err := s.sealed.Get(ctx, key)
		switch {
		case err != nil && !isKeyringFailure(ctx, err):
			return Entry{}, false, err
		case err != nil:
			s.failed("get", err)
		case ok:
			return e, true, nil
		}
	}
	return s.restGet(ctx, key)
}

// restGet reads the stores behind, calling the Secret Service only when
// its index says it holds the key (its Put indexes before it writes): a
// cold get, with sealing working, makes no D-Bus call at all.
func (s *sealedFirst) restGet(ctx context.Context, key string) (Entry, bool, error) {
	if r, ok := s.rest.(*fallbackStore); ok {
		if held, err := r.keyring.index.has(key); err == nil && !held {
			return r.file.Get(ctx, key)
		}
	}
	return s.rest.Get(ctx, key)
}

// Put seals; once the sealed record is written, copies the stores behind
// hold (from a run where sealing failed, or from before) are removed so the
// secret lives in one place.
func (s *sealedFirst) Put(ctx context.Context, key string, e Entry) error {
	if err := checkCall(ctx, key); err != nil {
		return err
	}
	if !s.down.Load() {
		err := s.sealed.Put(ctx, key, e)
		if err == nil {
			s.dropBehind(ctx, key)
			return nil
		}
		if !isKeyringFailure(ctx, err) {
			return err
		}
		s.failed("put", err)
	}
	return s.rest.Put(ctx, key, e)
}

// dropBehind removes key from the stores behind, calling the Secret
// Service only when its index says it holds the key.
func (s *sealedFirst) dropBehind(ctx context.Context, key string) {
	var err error
	switch r := s.rest.(type) {
	case *fileStore:
		err = r.Delete(ctx, key)
	case *fallbackStore:
		err = r.file.Delete(ctx, key)
		if held, _ := r.keyring.index.has(key); held && !r.down.Load() {
			err = errors.Join(err, r.keyring.Delete(ctx, key))
		}
	}
	if err != nil {
		s.log.Debug("could not remove an older copy of a sealed entry", "key", key, "error", err)
	}
}

func (s *sealedFirst) Delete(ctx context.Context, key string) error {
	return deleteFromBoth(ctx, key, s.sealed, s.rest)
}

// List merges both, a key in both shown as the sealed one.
func (s *sealedFirst) List(ctx context.Context) ([]Info, error) {
	return listBoth(ctx, s.sealed, s.rest)
}
