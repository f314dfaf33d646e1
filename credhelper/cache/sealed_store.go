package cache

import (
	"context"
	"errors"
	"io"
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
	tokenFiles
	keys *sealKeys
	rand io.Reader
}

func newSealedStore(root *Root, keys *sealKeys, now func() time.Time, log *slog.Logger) *sealedStore {
	files := tokenFiles{root: root, uid: currentUID(), now: now, log: log, suffix: sealedSuffix, noun: "sealed cache record", keyGone: keyGone}
	return &sealedStore{tokenFiles: files, keys: keys, rand: keys.rand}
}

func (s *sealedStore) Name() string { return KindSealed }

// Get reads the record first and asks the kernel for the key only when
// there is one, so a miss costs one failed open.
func (s *sealedStore) Get(ctx context.Context, key string) (Entry, bool, error) {
	return s.get(ctx, key, s.read)
}

func (s *sealedStore) read(key string) (Entry, error) {
	data, err := s.readRaw(key)
	if err != nil {
		return Entry{}, err
	}
	k, err := s.keys.load()
	if err != nil {
		return Entry{}, err
	}
	return openSealed(data, key, k)
}

// keyGone: the record was sealed under a key that is no longer there (or
// never was ours), so it can never be opened again.
func keyGone(err error) bool {
	return errors.Is(err, errNoSealKey) || errors.Is(err, errSealedElsewhere) || errors.Is(err, errBadSealKey)
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
	return s.root.WriteFile(tokensDir, s.name(key), data)
}

// List reads the records' clear headers: no key, no kernel call, so
// records sealed under a key that is gone are listed (and cleared) too.
func (s *sealedStore) List(ctx context.Context) ([]Info, error) {
	return s.list(ctx, KindSealed, s.info)
}

func (s *sealedStore) info(key string) (Info, error) {
	data, err := s.readRaw(key)
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
