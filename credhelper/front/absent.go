package front

import (
	"context"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/route"
	"github.com/regcred/regcred/matcher"
)

// absent reports whether every remembered absence the route rests on
// holds now as the engine would find it: the identity files its key
// hashed unchanged, no token under that key, and its record, made for
// this key and registry, not run out. The engine would then skip each of
// those entries and the anonymous one after them would answer.
func (f *Front) absent(ctx context.Context, root *cache.Root, rt route.Route, t matcher.Target) bool {
	for _, a := range rt.Absent {
		if route.SumFiles(a.Files) != a.FilesSum || cache.Present(rt.TokenDir, a.Key) || cache.SealedPresent(rt.TokenDir, a.Key) {
			return false // another identity now, or a token the engine would weigh first
		}
		if !f.inStores(rt, cache.AbsentKeyOf(a.Key), func(kind string) bool {
			return f.peekAbsent(ctx, root, rt, a.Key, t, kind)
		}) {
			return false
		}
	}
	return true
}

// peekAbsent asks the store of kind for key's remembered absence, as the
// engine's cache would find it before asking the backend.
func (f *Front) peekAbsent(ctx context.Context, root *cache.Root, rt route.Route, key string, t matcher.Target, kind string) bool {
	c, logged, err := f.open(root, rt, kind)
	if err != nil {
		return false
	}
	_, ok := c.Absent(ctx, cache.Item{Key: key, Registry: t.Registry()})
	return ok && !logged()
}
