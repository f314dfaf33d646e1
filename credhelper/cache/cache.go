package cache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
)

// Cache is a Store with the policy around it: when to serve, when to
// refresh, and one fetch per key across processes.
type Cache struct {
	store  Store
	locker *Locker // nil for the none store: there is nothing to share
	ttl    time.Duration
	// negativeTTL is how long an absent identity is remembered (0: never).
	negativeTTL time.Duration
	now         func() time.Time
	log         *slog.Logger
	dir         string // "" for the none store
}

// Item names what is looked up. Nothing in it is secret.
type Item struct {
	Key      string // from Key
	Registry string // normalised registry, for `cache list` and `cache clear`
	Source   string // the config entry's name or pattern
}

// Fetch asks the backend. It is called at most once per Credential call.
type Fetch func(ctx context.Context) (providers.Credential, error)

// Outcome says where a credential came from.
type Outcome int

const (
	// Hit: served from the cache without calling the backend.
	Hit Outcome = iota
	// Fetched: the backend was called (cold, expired or due a refresh).
	Fetched
	// Stale: the refresh failed and the still-valid cached credential was
	// served; a warning was logged.
	Stale
)

func (o Outcome) String() string {
	switch o {
	case Hit:
		return "hit"
	case Fetched:
		return "fetched"
	case Stale:
		return "stale"
	}
	return "unknown"
}

// Store is the store behind the cache, for listing and benchmarks.
func (c *Cache) Store() Store { return c.store }

// Dir is the cache's directory ("" for the none store).
func (c *Cache) Dir() string { return c.dir }

// NegativeTTL is how long an absent identity is remembered (0: never).
func (c *Cache) NegativeTTL() time.Duration { return c.negativeTTL }

// Name is the store's name: sealed, keyring, file or none (for auto,
// the store that takes writes now).
func (c *Cache) Name() string { return c.store.Name() }

// Credential returns it.Key's credential from the cache or from fetch.
//
// A fresh entry is served as is. Otherwise the key's cross-process lock is
// taken (bounded; past the bound this process fetches anyway), the cache is
// read again (the holder we waited for has usually just filled it), and
// only then is fetch called. A fetch error is returned, never stored; but
// if the cached entry is due a refresh and still valid, it is served
// instead, with a warning. Anonymous and empty credentials are not cached,
// nor long-lived ones (no ExpiresAt) when the TTL is 0. The one failure
// kept is an absent ambient identity (providers.ErrAbsent), for the
// negative TTL: until then it is returned (an *AbsentError) without
// calling fetch.
func (c *Cache) Credential(ctx context.Context, it Item, fetch Fetch) (providers.Credential, Outcome, error) {
	if err := checkCall(ctx, it.Key); err != nil {
		return providers.Credential{}, Fetched, err
	}
	if c.locker == nil {
		cred, err := fetch(ctx)
		return cred, Fetched, err
	}
	cached, ok := c.lookup(ctx, it)
	if ok && Policy(cached, c.now()) == Fresh {
		return cached.Credential(), Hit, nil
	}
	if err := c.absentError(ctx, it); err != nil {
		return providers.Credential{}, Hit, err
	}
	unlock, err := c.locker.Lock(ctx, it.Key)
	if err != nil {
		if ctx.Err() != nil {
			return providers.Credential{}, Fetched, fmt.Errorf("waiting for the cache lock: %w", err)
		}
		c.log.Warn("fetching without the cache lock", "registry", it.Registry, "entry", it.Source, "error", err)
	} else {
		defer unlock()
		if again, found := c.lookup(ctx, it); found {
			cached, ok = again, true
			if Policy(again, c.now()) == Fresh {
				return again.Credential(), Hit, nil
			}
		}
		if err := c.absentError(ctx, it); err != nil {
			return providers.Credential{}, Hit, err // the holder we waited for found nothing
		}
	}
	cred, err := fetch(ctx)
	if err != nil {
		c.rememberAbsent(ctx, it, err)
		if ok && Policy(cached, c.now()) == Refresh {
			c.log.Warn("refreshing the credential failed; serving the cached one until it expires",
				"registry", it.Registry, "entry", it.Source, "expires", cached.ExpiresAt, "error", err)
			return cached.Credential(), Stale, nil
		}
		return providers.Credential{}, Fetched, err
	}
	c.save(ctx, it, cred)
	return cred, Fetched, nil
}

// lookup reads it.Key's entry, which must also have been made for
// it.Registry: a record that answers another registry is absent here,
// whatever its name says.
func (c *Cache) lookup(ctx context.Context, it Item) (Entry, bool) {
	e, ok := c.lookupRecord(ctx, it)
	if ok && e.Username == absentMark {
		c.log.Debug("ignoring a remembered absence where a credential was asked for", "registry", it.Registry, "key", it.Key)
		return Entry{}, false
	}
	return e, ok
}

// lookupRecord is lookup for a record of any kind.
func (c *Cache) lookupRecord(ctx context.Context, it Item) (Entry, bool) {
	e, ok, err := c.store.Get(ctx, it.Key)
	if err != nil {
		c.log.Warn("cache unreadable; asking the backend", "registry", it.Registry, "error", err)
		return Entry{}, false
	}
	if ok && e.Registry != it.Registry {
		c.log.Debug("ignoring a cache entry made for another registry", "registry", it.Registry, "key", it.Key)
		return Entry{}, false
	}
	return e, ok
}

func (c *Cache) save(ctx context.Context, it Item, cred providers.Credential) {
	if cred.Anonymous || (cred.Username == "" && cred.Secret == "") {
		return
	}
	now := c.now()
	e := Entry{Username: cred.Username, Secret: cred.Secret, ExpiresAt: cred.ExpiresAt, StoredAt: now,
		Registry: it.Registry, Source: it.Source}
	if e.ExpiresAt.IsZero() {
		ttl := c.ttl
		if cred.MaxAge > 0 && cred.MaxAge < ttl {
			ttl = cred.MaxAge // the backend's refresh hint
		}
		if ttl <= 0 {
			return
		}
		e.ExpiresAt, e.LongLived = now.Add(ttl), true
	}
	if !now.Before(e.ExpiresAt) {
		return
	}
	if err := c.store.Put(ctx, it.Key, e); err != nil {
		c.log.Warn("could not cache the credential", "registry", it.Registry, "entry", it.Source, "error", err)
	}
	c.sweep(ctx, now)
}

// sweep deletes expired entries. An entry is otherwise replaced only when
// its own key is asked for again, and keys that are never asked for again
// (a rotated service-account token, a changed identity) would leave expired
// secrets behind. It runs on writes only, which are rare, and reads the
// secret-free listing.
func (c *Cache) sweep(ctx context.Context, now time.Time) {
	infos, err := c.store.List(ctx)
	if err != nil {
		return
	}
	for _, i := range infos {
		if i.Damaged == "" && !now.Before(i.ExpiresAt) {
			if err := c.store.Delete(ctx, i.Key); err != nil {
				c.log.Debug("could not delete an expired cache entry", "key", i.Key, "error", err)
			}
		}
	}
}

// List describes every cached entry, no secret, sorted by registry, entry
// and key.
func (c *Cache) List(ctx context.Context) ([]Info, error) {
	infos, err := c.store.List(ctx)
	slices.SortFunc(infos, func(a, b Info) int {
		return cmpJoin(strings.Compare(a.Registry, b.Registry), strings.Compare(a.Source, b.Source), strings.Compare(a.Key, b.Key))
	})
	return infos, err
}

func cmpJoin(cs ...int) int {
	for _, c := range cs {
		if c != 0 {
			return c
		}
	}
	return 0
}

// Clear deletes the entries for registry (every entry when registry is "")
// and returns how many went. It goes on past a failure and reports them all.
func (c *Cache) Clear(ctx context.Context, registry string) (int, error) {
	infos, err := c.store.List(ctx)
	errs := []error{err}
	n := 0
	for _, i := range infos {
		if registry != "" && i.Registry != registry {
			continue
		}
		if err := c.store.Delete(ctx, i.Key); err != nil {
			errs = append(errs, fmt.Errorf("deleting cache entry %s (%s): %w", i.Key, i.Registry, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}
