package front

import (
	"context"
	"log/slog"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/route"
	"github.com/regcred/regcred/internal/logwatch"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

// token reads the route's token from the sealed store or the file cache
// when it is fresh (and no keyring is in the way).
func (f *Front) token(ctx context.Context, root *cache.Root, rt route.Route, t matcher.Target) (providers.Credential, bool) {
	var cred providers.Credential
	ok := f.inStores(rt, rt.TokenKey, func(kind string) bool {
		var ok bool
		cred, ok = f.peek(ctx, root, rt, t, kind)
		return ok
	})
	return cred, ok
}

// inStores asks read of the store the engine would find the route's record
// (named storeKey there) in: for auto, a sealed record first, and only when
// there is none the Secret Service (which the front leaves to the engine)
// or else the file cache.
func (f *Front) inStores(rt route.Route, storeKey string, read func(kind string) bool) bool {
	if f.Keyctl != nil && (rt.Store == cache.KindSealed || rt.Store == cache.KindAuto) {
		ok := read(cache.KindSealed)
		if ok || rt.Store == cache.KindSealed || cache.SealedPresent(rt.TokenDir, storeKey) {
			return ok // a sealed record the front cannot serve is the engine's to handle
		}
	}
	if (cache.Options{Kind: rt.Store, LookupEnv: f.LookupEnv}).UsesKeyring(f.GOOS) {
		return false
	}
	return read(cache.KindFile)
}

// peek asks the store of kind for the route's token, as the engine's
// cache would serve it without a fetch.
func (f *Front) peek(ctx context.Context, root *cache.Root, rt route.Route, t matcher.Target, kind string) (providers.Credential, bool) {
	c, logged, err := f.open(root, rt, kind)
	if err != nil {
		return providers.Credential{}, false
	}
	cred, ok := c.Peek(ctx, cache.Item{Key: rt.TokenKey, Registry: t.Registry()})
	return cred, ok && !logged() && !cred.Anonymous
}

// open is the route's store of kind. Anything it logs (an untrusted or
// unreadable cache file) is the engine's to say: logged then sends the
// request to the engine.
func (f *Front) open(root *cache.Root, rt route.Route, kind string) (c *cache.Cache, logged func() bool, err error) {
	log, logged := logwatch.Wrap(slog.DiscardHandler)
	c, err = cache.Open(cache.Options{Kind: kind, Dir: rt.TokenDir, Root: root, NegativeTTL: rt.AbsentTTL,
		Now: f.Now, LookupEnv: f.LookupEnv, Logger: log, Keyctl: f.Keyctl})
	return c, logged, err
}

// RenewStore is the store the lean fetcher, which links no keyring, opens
// to store a renewed token where the engine would, and false where it
// cannot (the front then hands the renewal to the engine, not the
// fetcher): the file store, none, the sealed store where the kernel holds
// keys (keyctl), auto where no keyring takes part; and where auto has a
// keyring behind the sealed store (a desktop's Secret Service), the sealed
// store alone, which is where the engine writes while sealing works,
// unless the keyring's index names a copy (the engine's to replace).
func RenewStore(root *cache.Root, rt route.Route, keyctl bool, lookupEnv func(string) (string, bool), goos string) (string, bool) {
	switch rt.Store {
	case cache.KindNone, cache.KindFile:
		return rt.Store, true
	case cache.KindSealed:
		return rt.Store, keyctl
	case cache.KindAuto:
		if !(cache.Options{Kind: rt.Store, LookupEnv: lookupEnv}).UsesKeyring(goos) {
			return rt.Store, true
		}
		return cache.KindSealed, keyctl && !keyringHolds(root, rt)
	}
	return "", false
}

// keyringHolds is cache.KeyringHolds for rt's token, in rt's cache
// directory; true when that cannot be told.
func keyringHolds(root *cache.Root, rt route.Route) bool {
	if root == nil || root.Path() != rt.TokenDir {
		var err error
		if root, err = cache.OpenRoot(rt.TokenDir); err != nil {
			return true
		}
	}
	held, err := cache.KeyringHolds(root, rt.TokenKey)
	return held || err != nil
}
