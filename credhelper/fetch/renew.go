package fetch

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/route"
	"github.com/regcred/regcred/internal/logwatch"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ecr/ecrlean"
)

// Timeout bounds the one lean attempt, and apart from it the wait for the
// key's lock. ECR answers within a second; a slower or silent endpoint, or
// a lock held longer (another process stuck on one), is left to the
// engine, whose own attempts (with retries, up to its entry timeout) and
// lock wait say what is wrong, so either costs at most this much more
// than the engine alone.
const Timeout = 5 * time.Second

// Recipes is what follows a recipe: ecrlean.Fetcher.
type Recipes interface {
	Credential(ctx context.Context, r providers.Recipe) (providers.Credential, error)
}

// Renewer renews a route's token by its recipe, through the token cache
// as the engine would: under the key's lock, read again first, stored in
// the store the engine would store it in.
type Renewer struct {
	Recipes   Recipes
	LookupEnv func(string) (string, bool)
	Now       func() time.Time
	Keyctl    cache.Keyctl // nil: no sealed store here
	// Stderr receives the warnings the engine would have printed (a token
	// fetched that could not be stored).
	Stderr io.Writer
}

// errEngine: something was logged before the fetch, which the engine
// must say; nothing is fetched.
var errEngine = errors.New("left to the engine")

// Renew implements front.Front.Renew, in the store of kind the front
// chose (front.RenewStore: where the engine would keep the token). ok is
// false, and nothing printed, when the engine must answer: the store does
// not open, anything the cache logged before the fetch, a fetch that
// failed or was refused with no still-valid token to serve (the engine
// asks again, with its retries, and says what is wrong). A refusal with a
// still-valid token cached serves that token with the cache's warning, as
// the engine would.
func (r Renewer) Renew(ctx context.Context, root *cache.Root, rt route.Route, kind string, t matcher.Target) (providers.Credential, bool) {
	var logs bytes.Buffer
	log, logged := logwatch.Wrap(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// Past the lock wait the cache warns and fetches without the lock: the
	// fetch below then leaves the get to the engine, which waits its own.
	c, err := cache.Open(cache.Options{Kind: kind, Dir: rt.TokenDir, Root: root, LockWait: Timeout,
		Now: r.Now, LookupEnv: r.LookupEnv, Logger: log, Keyctl: r.Keyctl})
	if err != nil {
		return providers.Credential{}, false
	}
	fetched, refused := false, false
	fetch := func(ctx context.Context) (providers.Credential, error) {
		if logged() {
			return providers.Credential{}, errEngine
		}
		ctx, cancel := context.WithTimeout(ctx, Timeout)
		defer cancel()
		cred, err := r.Recipes.Credential(ctx, rt.Fetch)
		fetched, refused = err == nil, errors.Is(err, ecrlean.ErrRefused)
		return cred, err
	}
	cred, outcome, err := c.Credential(ctx, cache.Item{Key: rt.TokenKey, Registry: t.Registry(), Source: rt.Source}, fetch)
	switch {
	case err != nil || cred.Anonymous:
		return providers.Credential{}, false
	case outcome == cache.Stale && !refused:
		return providers.Credential{}, false
	case outcome == cache.Fetched && !fetched:
		return providers.Credential{}, false
	case logged() && outcome == cache.Hit:
		return providers.Credential{}, false
	}
	if logs.Len() > 0 {
		// After a fetch, a token not stored; after ECR refused (a throttled
		// account, say), the still-valid token served: said as the engine
		// says it. The engine asking ECR again would only add to its load.
		_, _ = r.Stderr.Write(logs.Bytes())
	}
	return cred, true
}
