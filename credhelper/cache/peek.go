package cache

import (
	"context"

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
// is cheap enough for every request. A directory that cannot be trusted or
// read counts as holding it: whoever asks then goes the slow way, which
// reports the problem.
func Present(dir, key string) bool {
	root, err := OpenRoot(dir)
	if err != nil {
		return true
	}
	defer root.close()
	return root.has(key)
}

func (r *Root) has(key string) bool {
	for _, sub := range []string{indexDir, tokensDir} {
		if ok, err := r.Exists(sub, key+".json"); ok || err != nil {
			return true
		}
	}
	return false
}
