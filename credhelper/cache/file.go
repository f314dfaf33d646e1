package cache

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
)

// fileStore keeps one JSON record per key in root/tokens/<key>.json.
type fileStore struct {
	root string
	dir  string
	// uid is whose files are trusted: the process's own. A field so that
	// in-package tests can play "another user" without root.
	uid int
	now func() time.Time
	log *slog.Logger
}

func newFileStore(root string, now func() time.Time, log *slog.Logger) *fileStore {
	return &fileStore{root: root, dir: filepath.Join(root, "tokens"), uid: currentUID(), now: now, log: log}
}

func (s *fileStore) Name() string { return KindFile }

func (s *fileStore) path(key string) string { return filepath.Join(s.dir, key+".json") }

func (s *fileStore) Get(ctx context.Context, key string) (Entry, bool, error) {
	if err := checkCall(ctx, key); err != nil {
		return Entry{}, false, err
	}
	e, err := s.read(key)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Entry{}, false, nil
	case errors.Is(err, errUntrusted), errors.Is(err, errBadRecord):
		s.log.Warn("ignoring cache file; it will be replaced", "path", s.path(key), "reason", err)
		return Entry{}, false, nil
	case err != nil:
		return Entry{}, false, fmt.Errorf("reading cache file %s: %w", s.path(key), err)
	}
	if Policy(e, s.now()) == Expired {
		// An expired token is useless and still a secret: drop it now.
		_ = os.Remove(s.path(key))
		return Entry{}, false, nil
	}
	return e, true, nil
}

func (s *fileStore) read(key string) (Entry, error) {
	data, err := readTrusted(s.path(key), s.uid)
	if err != nil {
		return Entry{}, err
	}
	return decodeRecord(data, key)
}

func (s *fileStore) Put(ctx context.Context, key string, e Entry) error {
	if err := checkCall(ctx, key); err != nil {
		return err
	}
	if err := e.validate(); err != nil {
		return err
	}
	data, err := encodeRecord(key, e)
	if err != nil {
		return err
	}
	if err := s.ensureDirs(); err != nil {
		return err
	}
	s.sweepTemps()
	return writeAtomic(s.dir, key+".json", data)
}

// staleTemp is how old a temporary file must be before it is taken for the
// leftover of a writer that died between write and rename; a live writer
// renames within milliseconds.
const staleTemp = time.Minute

// sweepTemps removes such leftovers: each may hold a token in clear that
// no record points to. Best effort, on the (cold) write path only. File
// times come from the real clock, so they are compared with it.
func (s *fileStore) sweepTemps() {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, de := range ents {
		if !strings.HasPrefix(de.Name(), ".tmp-") {
			continue
		}
		if fi, err := de.Info(); err == nil && fi.Mode().IsRegular() && time.Since(fi.ModTime()) > staleTemp {
			_ = os.Remove(filepath.Join(s.dir, de.Name()))
		}
	}
}

func (s *fileStore) ensureDirs() error {
	if err := ensurePrivateDir(s.root, s.uid); err != nil {
		return err
	}
	return ensurePrivateDir(s.dir, s.uid)
}

func (s *fileStore) Delete(ctx context.Context, key string) error {
	if err := checkCall(ctx, key); err != nil {
		return err
	}
	if err := os.Remove(s.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing cache file: %w", err)
	}
	return nil
}

func (s *fileStore) List(ctx context.Context) ([]Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	keys, err := keysIn(s.dir, ".json")
	if err != nil {
		return nil, err
	}
	var out []Info
	for _, key := range keys {
		e, err := s.read(key)
		if err != nil {
			s.log.Debug("not listing cache file", "path", s.path(key), "reason", err)
			continue
		}
		out = append(out, e.info(key, KindFile))
	}
	return out, nil
}

// keysIn lists the keys of dir's "<key><suffix>" files; temporary files and
// anything else are skipped. A missing dir has no keys.
func keysIn(dir, suffix string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing cache directory: %w", err)
	}
	var keys []string
	for _, de := range ents {
		if key, ok := strings.CutSuffix(de.Name(), suffix); ok && validKey(key) {
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
