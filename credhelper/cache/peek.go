package cache

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/regcred/regcred/providers"
)

// Peek returns it's credential when the cache can serve it as is: present
// and fresh (not due a refresh). It takes no lock and never fetches; what
// it cannot serve is Credential's to handle.
func (c *Cache) Peek(ctx context.Context, it Item) (providers.Credential, bool) {
	if c.locker == nil || checkCall(ctx, it.Key) != nil {
		return providers.Credential{}, false
	}
	e, ok := c.lookup(ctx, it)
	if !ok || Policy(e, c.now()) != Fresh {
		return providers.Credential{}, false
	}
	return e.Credential(), true
}

// Present reports whether the stores under dir may hold key: a file-store
// file or a keyring-index entry. It reads no secret, calls no keyring and
// trusts nothing it finds: its only use is to send a request the slow way
// (the engine, which reads through a checked Root) when a login may be
// there, so a name planted by someone else can only cost a hand-off. Two
// lstat calls by path, cheap enough for every request; anything but "not
// there" counts as there.
func Present(dir, key string) bool {
	if !IsKey(key) {
		return true
	}
	for _, sub := range []string{indexDir, tokensDir} {
		if _, err := os.Lstat(filepath.Join(dir, sub, key+".json")); !errors.Is(err, fs.ErrNotExist) {
			return true
		}
	}
	return false
}

// SealedPresent reports whether dir may hold a sealed record for key, on
// the same terms as Present: one lstat by path, trusting nothing, so the
// front hands a sealed record it could not serve to the engine.
func SealedPresent(dir, key string) bool {
	if !IsKey(key) {
		return true
	}
	_, err := os.Lstat(filepath.Join(dir, tokensDir, key+sealedSuffix))
	return !errors.Is(err, fs.ErrNotExist)
}
