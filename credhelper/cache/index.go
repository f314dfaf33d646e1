package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
)

// keyringIndex is the keyring store's list of what it holds: one small
// file per key with the entry's metadata and no secret, so `cache list` and
// `cache clear` work without enumerating the keyring (go-keyring cannot).
type keyringIndex struct {
	root *Root
	uid  int
	log  *slog.Logger
}

func newKeyringIndex(root *Root, log *slog.Logger) *keyringIndex {
	return &keyringIndex{root: root, uid: currentUID(), log: log}
}

func (x *keyringIndex) path(key string) string { return x.root.describe(indexDir, key+".json") }

func (x *keyringIndex) put(key string, e Entry) error {
	data, err := encodeIndex(key, e)
	if err != nil {
		return fmt.Errorf("encoding keyring index entry: %w", err)
	}
	return x.root.WriteFile(indexDir, key+".json", data)
}

func (x *keyringIndex) has(key string) (bool, error) {
	return x.root.Exists(indexDir, key+".json")
}

func (x *keyringIndex) remove(key string) error {
	if err := x.root.Remove(indexDir, key+".json"); err != nil {
		return fmt.Errorf("removing keyring index entry: %w", err)
	}
	return nil
}

func (x *keyringIndex) list() ([]Info, error) {
	keys, err := keysIn(x.root, indexDir, ".json")
	if err != nil {
		return nil, err
	}
	var out []Info
	for _, key := range keys {
		data, err := x.root.ReadFile(indexDir, key+".json")
		if err == nil {
			var info Info
			if info, err = decodeIndex(data, key); err == nil {
				info.Store = KindKeyring
				out = append(out, info)
				continue
			}
		}
		if isDamage(err) || err != nil && !errors.Is(err, fs.ErrNotExist) {
			out = append(out, Info{Key: key, Store: KindKeyring, Damaged: "keyring index " + x.path(key) + ": " + err.Error()})
			continue
		}
		x.log.Debug("not listing keyring index file", "path", x.path(key), "reason", err)
	}
	return out, nil
}

// KeyringHolds reports whether the keyring store's index under root says
// the keyring holds key, without calling the keyring (the index is a file
// per key). The lean fetcher asks it before it renews a sealed token where
// the engine would have the Secret Service behind the sealed store.
func KeyringHolds(root *Root, key string) (bool, error) {
	return newKeyringIndex(root, slog.New(slog.DiscardHandler)).has(key)
}
