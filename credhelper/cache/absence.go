package cache

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/regcred/regcred/providers"
)

// absentKeyDomain separates remembered-absence keys from credential keys:
// a token lookup can never read an absence record, nor the reverse.
const absentKeyDomain = "regcred-engine-absent/1"

// absentMark is the Username of an absence record: never a registry user
// name (it has spaces), so a record of the other kind under the same name
// is told apart as well as by its key.
const absentMark = "(no ambient identity)"

// AbsentKeyOf is the store key under which key's absent identity is
// remembered. key is the token cache key (config.Entry.CacheKey), which
// hashes every identity input (variables, identity files by content): a
// change of any of them is another key, and ends the remembered absence.
func AbsentKeyOf(key string) string { return Key(absentKeyDomain, key) }

// Absence is a remembered "no ambient identity here".
type Absence struct {
	// Message is the backend's error as it was first returned: no secret,
	// it names what was tried and how to provide an identity.
	Message         string
	StoredAt, Until time.Time
}

// AbsentError is the remembered outcome, returned instead of asking the
// backend. It is providers.ErrNoIdentity and providers.ErrAbsent.
type AbsentError struct{ Absence }

func (e *AbsentError) Error() string {
	return fmt.Sprintf("%s (remembered until %s; `cache clear` forgets it)", e.Message, e.Until.UTC().Format(time.RFC3339))
}

// Is makes the remembered error compare as the one it remembers.
func (e *AbsentError) Is(target error) bool {
	return target == providers.ErrNoIdentity || target == providers.ErrAbsent
}

// Absent returns the remembered absence of it's identity, if one is
// stored for it.Key and it.Registry and has not run out.
func (c *Cache) Absent(ctx context.Context, it Item) (Absence, bool) {
	if c.locker == nil || c.negativeTTL <= 0 || checkCall(ctx, it.Key) != nil {
		return Absence{}, false
	}
	e, ok := c.lookupRecord(ctx, Item{Key: AbsentKeyOf(it.Key), Registry: it.Registry, Source: it.Source})
	if !ok || e.Username != absentMark || !c.now().Before(e.ExpiresAt) || e.ExpiresAt.Sub(e.StoredAt) > c.negativeTTL {
		return Absence{}, false
	}
	return Absence{Message: e.Secret.Reveal(), StoredAt: e.StoredAt, Until: e.ExpiresAt}, true
}

// rememberAbsent stores err when it says the identity is absent
// (providers.ErrAbsent), for the negative TTL. Every other failure is
// left alone: failures are never cached.
func (c *Cache) rememberAbsent(ctx context.Context, it Item, err error) {
	var replayed *AbsentError
	if c.negativeTTL <= 0 || !errors.Is(err, providers.ErrAbsent) || errors.As(err, &replayed) || ctx.Err() != nil {
		return
	}
	now := c.now()
	e := Entry{Username: absentMark, Secret: providers.Secret(err.Error()), StoredAt: now, ExpiresAt: now.Add(c.negativeTTL),
		Registry: it.Registry, Source: it.Source}
	if err := c.store.Put(ctx, AbsentKeyOf(it.Key), e); err != nil {
		c.log.Warn("could not remember the absent identity", "registry", it.Registry, "entry", it.Source, "error", err)
		return
	}
	c.log.Debug("remembering the absent identity", "registry", it.Registry, "entry", it.Source, "until", e.ExpiresAt)
}

// absentError is the remembered outcome for it, logged at debug, or nil.
func (c *Cache) absentError(ctx context.Context, it Item) error {
	a, ok := c.Absent(ctx, it)
	if !ok {
		return nil
	}
	c.log.Debug("identity remembered as absent; not asking the backend", "registry", it.Registry, "entry", it.Source, "until", a.Until)
	return &AbsentError{Absence: a}
}
