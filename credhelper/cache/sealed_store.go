package cache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"time"
)

// sealedSuffix names sealed records in <root>/tokens, beside the file
// store's .json records.
const sealedSuffix = ".sealed"

// sealedStore keeps one sealed record per key in <root>/tokens/<key>.sealed,
// written and read like the file store's (by handle, temporary file and
// rename, trust checks), its secrets sealed under the user's key in the
// kernel's persistent keyring (sealKeys). A copy of the directory (a
// backup, a copied home) holds no usable token: the key never leaves
// kernel memory.
type sealedStore struct {
	root *Root
	uid  int
	keys *sealKeys
	now  func() time.Time
	log  *slog.Logger
	rand io.Reader
	// strict: a damaged record is an error (Options.StrictRecords).
	strict bool
}

func newSealedStore(root *Root, keys *sealKeys, now func() time.Time, log *slog.Logger) *sealedStore {
	return &sealedStore{root: root, uid: currentUID(), keys: keys, now: now, log: log, rand: keys.rand}
}

func (s *sealedStore) Name() string { return KindSealed }

func (s *sealedStore) path(key string) string { return s.root.describe(tokensDir, key+sealedSuffix) }

// Get reads the record first and asks the kernel for the key only when
// there is one, so a miss costs one failed open.
func (s *sealedStore) Get(ctx context.Context, key string) (Entry, bool, error) {
	if err := checkCall(ctx, key); err != nil {
		return Entry{}, false, err
	}
	e, err := s.read(key)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Entry{}, false, nil
	case errors.Is(err, errNoSealKey), errors.Is(err, errSealedElsewhere), errors.Is(err, errBadSealKey):
		s.log.Debug("a sealed cache record cannot be opened: its key is gone; fetching again", "path", s.path(key), "reason", err)
		return Entry{}, false, nil
	case s.strict && isDamage(err):
		return Entry{}, false, fmt.Errorf("%w: %s: %w", ErrDamaged, s.path(key), err)
	case errors.Is(err, errMismatch):
		s.log.Debug("ignoring sealed cache record", "path", s.path(key), "reason", err)
		return Entry{}, false, nil
	case errors.Is(err, errUntrusted), errors.Is(err, errBadRecord):
		s.log.Warn("ignoring sealed cache record; it will be replaced", "path", s.path(key), "reason", err)
		return Entry{}, false, nil
	case err != nil:
		return Entry{}, false, fmt.Errorf("reading sealed cache record %s: %w", s.path(key), err)
	}
	if Policy(e, s.now()) == Expired {
		_ = s.root.Remove(tokensDir, key+sealedSuffix)
		return Entry{}, false, nil
	}
	return e, true, nil
}

func (s *sealedStore) read(key string) (Entry, error) {
	data, err := s.root.readFileAs(tokensDir, key+sealedSuffix, s.uid)
	if err != nil {
		return Entry{}, err
	}
	k, err := s.keys.load()
	if err != nil {
		return Entry{}, err
	}
	return openSealed(data, key, k)
}

// Put seals e under the key, making the key on the first write.
func (s *sealedStore) Put(ctx context.Context, key string, e Entry) error {
	plain, err := recordToPut(ctx, key, e)
	if err != nil {
		return err
	}
	k, err := s.keys.loadOrCreate(ctx)
	if err != nil {
		return err
	}
	data, err := sealRecord(key, e, plain, k, s.rand)
	if err != nil {
		return err
	}
	return s.root.WriteFile(tokensDir, key+sealedSuffix, data)
}

func (s *sealedStore) Delete(ctx context.Context, key string) error {
	if err := checkCall(ctx, key); err != nil {
		return err
	}
	if err := s.root.Remove(tokensDir, key+sealedSuffix); err != nil {
		return fmt.Errorf("removing sealed cache record: %w", err)
	}
	return nil
}

// List reads the records' clear headers: no key, no kernel call, so
// records sealed under a key that is gone are listed (and cleared) too.
func (s *sealedStore) List(ctx context.Context) ([]Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	keys, err := keysIn(s.root, tokensDir, sealedSuffix)
	if err != nil {
		return nil, err
	}
	var out []Info
	for _, key := range keys {
		info, err := s.info(key)
		if isDamage(err) {
			out = append(out, Info{Key: key, Store: KindSealed, Damaged: s.path(key) + ": " + err.Error()})
			continue
		}
		if err != nil {
			s.log.Debug("not listing sealed cache record", "path", s.path(key), "reason", err)
			continue
		}
		out = append(out, info)
	}
	return out, nil
}

func (s *sealedStore) info(key string) (Info, error) {
	data, err := s.root.readFileAs(tokensDir, key+sealedSuffix, s.uid)
	if err != nil {
		return Info{}, err
	}
	_, _, index, _, err := splitSealed(data)
	if err != nil {
		return Info{}, err
	}
	info, err := decodeIndex(index, key)
	info.Store = KindSealed
	return info, err
}
