package cache

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"
)

// tokenFiles is what the file and sealed stores share: one record a key in
// <root>/tokens/<key><suffix>, read by handle as the user's own file, and
// the rules for a record that is missing, made for another request,
// damaged or expired. The stores differ only in how bytes become an Entry
// (sealing), so each passes its read to get.
type tokenFiles struct {
	root *Root
	// uid is whose files are trusted: the process's own. A field so that
	// in-package tests can play "another user" without root.
	uid int
	now func() time.Time
	log *slog.Logger
	// strict: a damaged record is an error (Options.StrictRecords).
	strict bool
	suffix string // ".json" or sealedSuffix
	noun   string // how logs and errors name one record
	// keyGone, when set, picks the errors that say the record outlived what
	// opens it (the sealed store's key): a quiet miss, fetched again.
	keyGone func(error) bool
}

func (f *tokenFiles) name(key string) string { return key + f.suffix }

func (f *tokenFiles) path(key string) string { return f.root.describe(tokensDir, f.name(key)) }

// readRaw reads key's record by handle, refusing a file that is not the
// user's own.
func (f *tokenFiles) readRaw(key string) ([]byte, error) {
	return f.root.readFileAs(tokensDir, f.name(key), f.uid)
}

// get reads key's record through read. Only a store failure is an error:
// a record that cannot be used is a miss that the next write replaces
// (ErrDamaged when strict), and an expired one is removed on the way.
func (f *tokenFiles) get(ctx context.Context, key string, read func(key string) (Entry, error)) (Entry, bool, error) {
	if err := checkCall(ctx, key); err != nil {
		return Entry{}, false, err
	}
	e, err := read(key)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Entry{}, false, nil
	case f.keyGone != nil && f.keyGone(err):
		f.log.Debug("a "+f.noun+" cannot be opened: its key is gone; fetching again", "path", f.path(key), "reason", err)
		return Entry{}, false, nil
	case f.strict && isDamage(err):
		return Entry{}, false, fmt.Errorf("%w: %s: %w", ErrDamaged, f.path(key), err)
	case errors.Is(err, errMismatch):
		f.log.Debug("ignoring "+f.noun, "path", f.path(key), "reason", err)
		return Entry{}, false, nil
	case errors.Is(err, errUntrusted), errors.Is(err, errBadRecord):
		f.log.Warn("ignoring "+f.noun+"; it will be replaced", "path", f.path(key), "reason", err)
		return Entry{}, false, nil
	case err != nil:
		return Entry{}, false, fmt.Errorf("reading %s %s: %w", f.noun, f.path(key), err)
	}
	if Policy(e, f.now()) == Expired {
		// An expired token is useless and still a secret: drop it now.
		_ = f.root.Remove(tokensDir, f.name(key))
		return Entry{}, false, nil
	}
	return e, true, nil
}

func (f *tokenFiles) Delete(ctx context.Context, key string) error {
	if err := checkCall(ctx, key); err != nil {
		return err
	}
	if err := f.root.Remove(tokensDir, f.name(key)); err != nil {
		return fmt.Errorf("removing %s: %w", f.noun, err)
	}
	return nil
}

// list is List for these stores: info reads one record's listing. A
// damaged record is listed, marked damaged; one that cannot be read for
// another reason (the store failing) is left out, with a debug line.
func (f *tokenFiles) list(ctx context.Context, kind string, info func(key string) (Info, error)) ([]Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	keys, err := keysIn(f.root, tokensDir, f.suffix)
	if err != nil {
		return nil, err
	}
	var out []Info
	for _, key := range keys {
		i, err := info(key)
		if isDamage(err) {
			out = append(out, Info{Key: key, Store: kind, Damaged: f.path(key) + ": " + err.Error()})
			continue
		}
		if err != nil {
			f.log.Debug("not listing "+f.noun, "path", f.path(key), "reason", err)
			continue
		}
		out = append(out, i)
	}
	return out, nil
}
