package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
)

// fileStore keeps one JSON record per key in <root>/tokens/<key>.json.
type fileStore struct {
	tokenFiles
}

func newFileStore(root *Root, now func() time.Time, log *slog.Logger) *fileStore {
	return &fileStore{tokenFiles{root: root, uid: currentUID(), now: now, log: log, suffix: ".json", noun: "cache file"}}
}

func (s *fileStore) Name() string { return KindFile }

func (s *fileStore) Get(ctx context.Context, key string) (Entry, bool, error) {
	return s.get(ctx, key, s.read)
}

func (s *fileStore) read(key string) (Entry, error) {
	data, err := s.readRaw(key)
	if err != nil {
		return Entry{}, err
	}
	return decodeRecord(data, key)
}

func (s *fileStore) Put(ctx context.Context, key string, e Entry) error {
	data, err := recordToPut(ctx, key, e)
	if err != nil {
		return err
	}
	return s.root.WriteFile(tokensDir, s.name(key), data)
}

func (s *fileStore) List(ctx context.Context) ([]Info, error) {
	return s.list(ctx, KindFile, func(key string) (Info, error) {
		e, err := s.read(key)
		if err != nil {
			return Info{}, err
		}
		return e.info(key, KindFile), nil
	})
}

// keysIn lists the keys of sub's "<key><suffix>" files; temporary files and
// anything else are skipped. A missing directory has no keys.
func keysIn(root *Root, sub, suffix string) ([]string, error) {
	names, err := root.Names(sub)
	if err != nil {
		return nil, fmt.Errorf("listing cache directory: %w", err)
	}
	var keys []string
	for _, n := range names {
		if key, ok := strings.CutSuffix(n, suffix); ok && validKey(key) {
			keys = append(keys, key)
		}
	}
	return keys, nil
}

// checkCall guards every store operation: a cancelled context does no I/O,
// and only Key hashes become file or item names. The bad key is not echoed:
// a caller that passed something else might have passed a secret.
func checkCall(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !validKey(key) {
		return fmt.Errorf("%w: cache key must be a cache.Key hash (%d hex digits), got %d characters", providers.ErrInvalid, keyLen, len(key))
	}
	return nil
}

// isDamage: the record exists and cannot be used, as opposed to missing or
// unreadable because the store itself failed.
func isDamage(err error) bool {
	return errors.Is(err, errMismatch) || errors.Is(err, errUntrusted) || errors.Is(err, errBadRecord)
}
