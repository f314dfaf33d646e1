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

// fileStore keeps one JSON record per key in <root>/tokens/<key>.json.
type fileStore struct {
	root *Root
	// uid is whose files are trusted: the process's own. A field so that
	// in-package tests can play "another user" without root.
	uid int
	now func() time.Time
	log *slog.Logger
	// strict: a damaged record is an error (Options.StrictRecords).
	strict bool
}

func newFileStore(root *Root, now func() time.Time, log *slog.Logger) *fileStore {
	return &fileStore{root: root, uid: currentUID(), now: now, log: log}
}

func (s *fileStore) Name() string { return KindFile }

func (s *fileStore) path(key string) string { return s.root.describe(tokensDir, key+".json") }

func (s *fileStore) Get(ctx context.Context, key string) (Entry, bool, error) {
	if err := checkCall(ctx, key); err != nil {
		return Entry{}, false, err
	}
	e, err := s.read(key)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Entry{}, false, nil
	case s.strict && isDamage(err):
		return Entry{}, false, fmt.Errorf("%w: %s: %w", ErrDamaged, s.path(key), err)
	case errors.Is(err, errMismatch):
		s.log.Debug("ignoring cache file", "path", s.path(key), "reason", err)
		return Entry{}, false, nil
	case errors.Is(err, errUntrusted), errors.Is(err, errBadRecord):
		s.log.Warn("ignoring cache file; it will be replaced", "path", s.path(key), "reason", err)
		return Entry{}, false, nil
	case err != nil:
		return Entry{}, false, fmt.Errorf("reading cache file %s: %w", s.path(key), err)
	}
	if Policy(e, s.now()) == Expired {
		// An expired token is useless and still a secret: drop it now.
		_ = s.root.Remove(tokensDir, key+".json")
		return Entry{}, false, nil
	}
	return e, true, nil
}

func (s *fileStore) read(key string) (Entry, error) {
	data, err := s.root.readFileAs(tokensDir, key+".json", s.uid)
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
	return s.root.WriteFile(tokensDir, key+".json", data)
}

func (s *fileStore) Delete(ctx context.Context, key string) error {
	if err := checkCall(ctx, key); err != nil {
		return err
	}
	if err := s.root.Remove(tokensDir, key+".json"); err != nil {
		return fmt.Errorf("removing cache file: %w", err)
	}
	return nil
}

func (s *fileStore) List(ctx context.Context) ([]Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	keys, err := keysIn(s.root, tokensDir, ".json")
	if err != nil {
		return nil, err
	}
	var out []Info
	for _, key := range keys {
		e, err := s.read(key)
		if isDamage(err) {
			out = append(out, Info{Key: key, Store: KindFile, Damaged: s.path(key) + ": " + err.Error()})
			continue
		}
		if err != nil {
			s.log.Debug("not listing cache file", "path", s.path(key), "reason", err)
			continue
		}
		out = append(out, e.info(key, KindFile))
	}
	return out, nil
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
