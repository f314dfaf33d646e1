package cache

import (
	"context"
	"os"

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

// Present reports whether the stores under dir hold key: a file-store file
// or a keyring-index entry. It reads no secret and calls no keyring, so it
// is cheap enough for every request.
func Present(dir, key string) bool {
	return newIndexDir(dir, nil).has(key) || fileExists(newFileStore(dir, nil, nil).path(key))
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
