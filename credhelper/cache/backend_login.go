package cache

import (
	"context"
	"fmt"
	"time"

	"github.com/regcred/regcred/providers"
)

// loginKeyDomain separates login-token keys from credential keys.
const loginKeyDomain = "regcred-engine-login/1"

// LoginRegistry is the Registry of login-token records: never a normalised
// registry (it has a space), so no route or credential lookup can read one.
const LoginRegistry = "(backend login)"

// loginKeep is how much of a login token's lifetime it is reused: renewed
// or replaced once 80% has passed, so it is never used in its last moments.
const loginKeep = 0.8

// noExpiryKeep is how long a token that does not expire is kept before
// logging in again.
const noExpiryKeep = 24 * time.Hour

// Logins is the providers.LoginCache over this cache: backend login tokens
// in the same store, under hashed keys, with the same cross-process lock.
func (c *Cache) Logins() providers.LoginCache { return &loginCache{c: c} }

type loginCache struct{ c *Cache }

// LoginKeyOf is the store key of a login.
func LoginKeyOf(id providers.LoginID) string {
	return Key(append([]string{loginKeyDomain}, id.Parts...)...)
}

func (l *loginCache) Login(ctx context.Context, id providers.LoginID, obtain providers.ObtainLogin) (providers.LoginToken, bool, error) {
	c := l.c
	if err := ctx.Err(); err != nil {
		return providers.LoginToken{}, false, err
	}
	if c.locker == nil {
		t, err := obtain(ctx, nil)
		return t, false, err
	}
	key := LoginKeyOf(id)
	e, ok := l.lookup(ctx, key)
	if ok && l.fresh(e) {
		return loginToken(e), true, nil
	}
	unlock, err := c.locker.Lock(ctx, key)
	if err != nil {
		if ctx.Err() != nil {
			return providers.LoginToken{}, false, fmt.Errorf("waiting for the cache lock: %w", err)
		}
		c.log.Warn("logging in without the cache lock", "login", id.Label, "error", err)
	} else {
		defer unlock()
		if again, found := l.lookup(ctx, key); found {
			e, ok = again, true
			if l.fresh(e) {
				return loginToken(e), true, nil
			}
		}
	}
	var old *providers.LoginToken
	if ok && c.now().Before(e.ExpiresAt) {
		t := loginToken(e)
		old = &t
	}
	t, err := obtain(ctx, old)
	if err != nil {
		if old != nil {
			c.log.Warn("renewing the login token failed; using the cached one until it expires", "login", id.Label, "expires", e.ExpiresAt, "error", err)
			return *old, true, nil
		}
		return providers.LoginToken{}, false, err
	}
	l.save(ctx, key, id, t)
	return t, false, nil
}

func (l *loginCache) Drop(ctx context.Context, id providers.LoginID) {
	if l.c.locker == nil {
		return
	}
	if err := l.c.store.Delete(ctx, LoginKeyOf(id)); err != nil {
		l.c.log.Debug("could not delete a login token", "login", id.Label, "error", err)
	}
}

// lookup reads a login record; one made for anything else is absent.
func (l *loginCache) lookup(ctx context.Context, key string) (Entry, bool) {
	e, ok, err := l.c.store.Get(ctx, key)
	if err != nil {
		l.c.log.Warn("cache unreadable; logging in", "error", err)
		return Entry{}, false
	}
	if !ok || e.Registry != LoginRegistry {
		return Entry{}, false
	}
	return e, true
}

// fresh: less than loginKeep of the token's lifetime has passed.
func (l *loginCache) fresh(e Entry) bool {
	now := l.c.now()
	if !e.StoredAt.Before(e.ExpiresAt) {
		return false
	}
	keep := time.Duration(float64(e.ExpiresAt.Sub(e.StoredAt)) * loginKeep)
	return now.Before(e.StoredAt.Add(keep)) && now.Before(e.ExpiresAt)
}

// Login records keep the token as the secret and say in the user name
// whether it is renewable (not secret).
const (
	renewableMark = "renewable"
	fixedMark     = "not-renewable"
)

func loginToken(e Entry) providers.LoginToken {
	return providers.LoginToken{Token: e.Secret, ExpiresAt: e.ExpiresAt, Renewable: e.Username == renewableMark}
}

func (l *loginCache) save(ctx context.Context, key string, id providers.LoginID, t providers.LoginToken) {
	now := l.c.now()
	if t.Token == "" {
		return
	}
	e := Entry{Username: fixedMark, Secret: t.Token, ExpiresAt: t.ExpiresAt, StoredAt: now, Registry: LoginRegistry, Source: id.Label}
	if t.Renewable && !t.ExpiresAt.IsZero() {
		e.Username = renewableMark
	}
	if e.ExpiresAt.IsZero() {
		e.ExpiresAt = now.Add(noExpiryKeep)
	}
	if !now.Before(e.ExpiresAt) {
		return
	}
	if err := l.c.store.Put(ctx, key, e); err != nil {
		l.c.log.Warn("could not cache the login token", "login", id.Label, "error", err)
	}
}
