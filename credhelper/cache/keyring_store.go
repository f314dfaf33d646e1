package cache

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
)

// keyringStore keeps each record as a keyring item (service, key), split
// into chunks when it is larger than the keyring's per-item limit, and a
// secret-free index on disk for List.
type keyringStore struct {
	kr      boundedKeyring
	service string
	// limit is the most bytes one item may hold; 0 means no limit.
	limit int
	index *keyringIndex
	now   func() time.Time
	log   *slog.Logger
	// strict: a damaged item is an error (Options.StrictRecords).
	strict bool
}

func (s *keyringStore) Name() string { return KindKeyring }

// keyringErr marks a failure of the keyring itself (as opposed to a bad
// item), which the fallback store answers by using the file store.
func keyringErr(op string, err error) error {
	return fmt.Errorf("%w: keyring %s: %w", providers.ErrUnavailable, op, err)
}

func isMissing(err error) bool { return errors.Is(err, fs.ErrNotExist) }

func (s *keyringStore) Get(ctx context.Context, key string) (Entry, bool, error) {
	if err := checkCall(ctx, key); err != nil {
		return Entry{}, false, err
	}
	value, err := s.load(ctx, key)
	switch {
	case isMissing(err):
		return Entry{}, false, nil
	case s.strict && errors.Is(err, errBadRecord):
		return Entry{}, false, s.damaged(key, err)
	case errors.Is(err, errBadRecord):
		s.log.Warn("ignoring keyring item; it will be replaced", "service", s.service, "key", key, "reason", err)
		return Entry{}, false, nil
	case err != nil:
		return Entry{}, false, err
	}
	e, err := decodeRecord([]byte(value), key)
	if s.strict && err != nil {
		return Entry{}, false, s.damaged(key, err)
	}
	if errors.Is(err, errMismatch) {
		s.log.Debug("ignoring keyring item", "service", s.service, "key", key, "reason", err)
		return Entry{}, false, nil
	}
	if err != nil {
		s.log.Warn("ignoring keyring item; it will be replaced", "service", s.service, "key", key, "reason", err)
		return Entry{}, false, nil
	}
	if Policy(e, s.now()) == Expired {
		_ = s.Delete(ctx, key)
		return Entry{}, false, nil
	}
	return e, true, nil
}

// load reads the item and, if it is a chunk head, its chunks.
func (s *keyringStore) load(ctx context.Context, key string) (string, error) {
	head, err := s.kr.get(ctx, s.service, key)
	if err != nil {
		if isMissing(err) {
			return "", err
		}
		return "", keyringErr("get", err)
	}
	h, ok := parseHead(head)
	if !ok {
		if strings.HasPrefix(head, chunkMagic) {
			return "", fmt.Errorf("%w: malformed chunk head", errBadRecord)
		}
		return head, nil
	}
	var b strings.Builder
	for i := range h.count {
		part, err := s.kr.get(ctx, s.service, chunkUser(key, h.gen, i))
		if isMissing(err) {
			return "", fmt.Errorf("%w: chunk %d of %d is missing", errBadRecord, i+1, h.count)
		}
		if err != nil {
			return "", keyringErr("get", err)
		}
		b.WriteString(part)
	}
	if !h.verify(b.String()) {
		return "", fmt.Errorf("%w: chunks do not match their checksum", errBadRecord)
	}
	return b.String(), nil
}

func (s *keyringStore) Put(ctx context.Context, key string, e Entry) error {
	data, err := recordToPut(ctx, key, e)
	if err != nil {
		return err
	}
	prev, existed, err := s.current(ctx, key)
	if err != nil {
		return err
	}
	// Index first: a crash in between leaves a listed entry with no item
	// (harmless, and `cache clear` removes it), never an item that `cache
	// list` cannot show and `cache clear` cannot find.
	if err := s.index.put(key, e); err != nil {
		return err
	}
	if err := s.write(ctx, key, string(data)); err != nil {
		if !existed {
			_ = s.index.remove(key)
		}
		return err
	}
	if prev.count > 0 {
		s.deleteChunks(ctx, key, prev)
	}
	return nil
}

func (s *keyringStore) write(ctx context.Context, key, value string) error {
	if s.limit <= 0 || len(value) <= s.limit {
		if err := s.kr.set(ctx, s.service, key, value); err != nil {
			return keyringErr("set", err)
		}
		return nil
	}
	items, head, err := chunked(key, value, s.limit)
	if err != nil {
		return err
	}
	for _, it := range items {
		if err := s.kr.set(ctx, s.service, it.user, it.value); err != nil {
			s.deleteChunks(ctx, key, head)
			return keyringErr("set", err)
		}
	}
	if err := s.kr.set(ctx, s.service, key, head.String()); err != nil {
		s.deleteChunks(ctx, key, head)
		return keyringErr("set", err)
	}
	return nil
}

// current reports whether an item is stored under key and, if it is a
// chunk head, the head, so its chunks can be removed once replaced.
func (s *keyringStore) current(ctx context.Context, key string) (chunkHead, bool, error) {
	v, err := s.kr.get(ctx, s.service, key)
	if isMissing(err) {
		return chunkHead{}, false, nil
	}
	if err != nil {
		return chunkHead{}, false, keyringErr("get", err)
	}
	h, _ := parseHead(v)
	return h, true, nil
}

func (s *keyringStore) Delete(ctx context.Context, key string) error {
	if err := checkCall(ctx, key); err != nil {
		return err
	}
	if err := s.deleteItems(ctx, key); err != nil {
		if indexed, _ := s.index.has(key); !indexed {
			// Put indexes before it writes an item, so an unreachable
			// keyring holds nothing of ours under an unindexed key.
			s.log.Debug("keyring unreachable; it holds no indexed entry for the key", "key", key, "error", err)
			return nil
		}
		return err
	}
	return s.index.remove(key)
}

// deleteItems removes the item under key and, if it is a chunk head, its
// chunks. Chunk deletion is best effort: an orphan chunk is unreachable.
func (s *keyringStore) deleteItems(ctx context.Context, key string) error {
	h, _, err := s.current(ctx, key)
	if err != nil {
		return err
	}
	if h.count > 0 {
		s.deleteChunks(ctx, key, h)
	}
	if err := s.kr.delete(ctx, s.service, key); err != nil && !isMissing(err) {
		return keyringErr("delete", err)
	}
	return nil
}

func (s *keyringStore) deleteChunks(ctx context.Context, key string, h chunkHead) {
	for i := range h.count {
		if err := s.kr.delete(ctx, s.service, chunkUser(key, h.gen, i)); err != nil && !isMissing(err) {
			s.log.Debug("could not delete keyring chunk", "key", key, "chunk", i, "error", err)
		}
	}
}

// List reads the index only: it makes no keyring call.
func (s *keyringStore) List(ctx context.Context) ([]Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.index.list()
}

func (s *keyringStore) damaged(key string, err error) error {
	return fmt.Errorf("%w: keyring item %s/%s: %w", ErrDamaged, s.service, key, err)
}
