package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// indexDir is the keyring store's list of what it holds: one small file per
// key with the entry's metadata and no secret, so `cache list` and `cache
// clear` work without enumerating the keyring (go-keyring cannot).
type indexDir struct {
	root string
	dir  string
	uid  int
	log  *slog.Logger
}

func newIndexDir(root string, log *slog.Logger) *indexDir {
	return &indexDir{root: root, dir: filepath.Join(root, "keyring-index"), uid: currentUID(), log: log}
}

func (x *indexDir) path(key string) string { return filepath.Join(x.dir, key+".json") }

func (x *indexDir) put(key string, e Entry) error {
	data, err := encodeIndex(key, e)
	if err != nil {
		return fmt.Errorf("encoding keyring index entry: %w", err)
	}
	if err := ensurePrivateDir(x.root, x.uid); err != nil {
		return err
	}
	if err := ensurePrivateDir(x.dir, x.uid); err != nil {
		return err
	}
	return writeAtomic(x.dir, key+".json", data)
}

func (x *indexDir) has(key string) bool {
	_, err := os.Lstat(x.path(key))
	return err == nil
}

func (x *indexDir) remove(key string) error {
	if err := os.Remove(x.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing keyring index entry: %w", err)
	}
	return nil
}

func (x *indexDir) list() ([]Info, error) {
	keys, err := keysIn(x.dir, ".json")
	if err != nil {
		return nil, err
	}
	var out []Info
	for _, key := range keys {
		data, err := readTrusted(x.path(key), x.uid)
		if err == nil {
			var info Info
			if info, err = decodeIndex(data, key); err == nil {
				info.Store = KindKeyring
				out = append(out, info)
				continue
			}
		}
		x.log.Debug("not listing keyring index file", "path", x.path(key), "reason", err)
	}
	return out, nil
}
