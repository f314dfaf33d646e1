package cache

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"

	"github.com/regcred/regcred/providers"
)

// fallbackStore is the keyring with the file store behind it: a keyring
// that fails (no Secret Service on the bus, a locked collection, a prompt
// nobody answers) costs a warning, not the cache.
//
// After one failure the keyring is left alone for the rest of this Cache's
// life (one helper invocation): a cold `get` makes three store calls, and a
// keyring that hangs would otherwise cost its timeout on each.
type fallbackStore struct {
	keyring *keyringStore
	file    *fileStore
	log     *slog.Logger
	down    atomic.Bool
}

func (s *fallbackStore) Name() string { return KindKeyring }

func (s *fallbackStore) failed(op string, err error) {
	if !s.down.Swap(true) {
		s.log.Warn("keyring failed; using the file cache for the rest of this run", "op", op, "error", err)
	}
}

// Get asks the keyring, then the file store: on a keyring error, and also
// on a keyring miss, since an earlier Put may have fallen back to the file.
// The extra file read happens only on the cold path.
func (s *fallbackStore) Get(ctx context.Context, key string) (Entry, bool, error) {
	if err := checkCall(ctx, key); err != nil {
		return Entry{}, false, err
	}
	if !s.down.Load() {
		e, ok, err := s.keyring.Get(ctx, key)
		if err != nil {
			if !isKeyringFailure(ctx, err) {
				return Entry{}, false, err
			}
			s.failed("get", err)
		} else if ok {
			// A Put that fell back to the file while the keyring was down
			// left the keyring's item older than the file's copy.
			if f, fok, ferr := s.file.Get(ctx, key); ferr == nil && fok && f.StoredAt.After(e.StoredAt) {
				return f, true, nil
			}
			return e, true, nil
		}
	}
	return s.file.Get(ctx, key)
}

// Put prefers the keyring; once it holds the entry, a file copy left by an
// earlier fallback is removed so the secret lives in one place.
func (s *fallbackStore) Put(ctx context.Context, key string, e Entry) error {
	if err := checkCall(ctx, key); err != nil {
		return err
	}
	if err := e.validate(); err != nil {
		return err
	}
	if !s.down.Load() {
		err := s.keyring.Put(ctx, key, e)
		if err == nil {
			if derr := s.file.Delete(ctx, key); derr != nil {
				s.log.Debug("could not remove the file copy of a keyring entry", "key", key, "error", derr)
			}
			return nil
		}
		if !isKeyringFailure(ctx, err) {
			return err
		}
		s.failed("put", err)
	}
	return s.file.Put(ctx, key, e)
}

// isKeyringFailure: the keyring itself failed (not the caller, not the
// context), so the file store should take the call.
func isKeyringFailure(ctx context.Context, err error) bool {
	return ctx.Err() == nil && errors.Is(err, providers.ErrUnavailable)
}

func (s *fallbackStore) Delete(ctx context.Context, key string) error {
	return deleteFromBoth(ctx, key, s.keyring, s.file)
}

// List merges both, a key in both shown as the keyring's.
func (s *fallbackStore) List(ctx context.Context) ([]Info, error) {
	return listBoth(ctx, s.keyring, s.file)
}
