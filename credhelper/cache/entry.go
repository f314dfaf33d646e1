package cache

import (
	"fmt"
	"time"

	"github.com/regcred/regcred/providers"
)

// Entry is one cached credential and what `cache list` shows about it.
type Entry struct {
	Username string
	Secret   providers.Secret
	// ExpiresAt is when the entry stops being served. For tokens it is the
	// backend's expiry; for long-lived secrets it is StoredAt + the TTL.
	// Never zero in a store.
	ExpiresAt time.Time
	// StoredAt is when the credential was fetched; the refresh policy
	// measures the lifetime from here.
	StoredAt time.Time
	// LongLived marks an entry whose ExpiresAt came from the cache TTL,
	// not from the backend: it is served until then and not refreshed early,
	// and the credential handed back carries no expiry.
	LongLived bool
	// Registry is the normalised registry the credential is for.
	Registry string
	// Source names the config entry (its name, else its pattern).
	Source string
	// ServerURL is the server exactly as a client named it when it stored
	// the credential (a `docker login`'s key, e.g.
	// `https://index.docker.io/v1/`), so `list` can answer it as stored.
	// Empty for tokens. Never a secret: the login store keeps no key that
	// carries user information or a query.
	ServerURL string
}

// Info describes a cached entry without its secret, for `cache list`.
type Info struct {
	Key       string
	Registry  string
	Source    string
	Store     string // "keyring" or "file"
	StoredAt  time.Time
	ExpiresAt time.Time
	LongLived bool
	ServerURL string
	// Damaged says why the record cannot be read ("" when it can); only
	// Key and Store are known then.
	Damaged string
}

// Credential is the entry as a backend would have answered it.
func (e Entry) Credential() providers.Credential {
	c := providers.Credential{Username: e.Username, Secret: e.Secret, ExpiresAt: e.ExpiresAt}
	if e.LongLived {
		c.ExpiresAt = time.Time{}
	}
	return c
}

func (e Entry) info(key, store string) Info {
	return Info{Key: key, Registry: e.Registry, Source: e.Source, Store: store,
		StoredAt: e.StoredAt, ExpiresAt: e.ExpiresAt, LongLived: e.LongLived, ServerURL: e.ServerURL}
}

// validate rejects what no store may hold. It never mentions the secret.
func (e Entry) validate() error {
	switch {
	case e.ExpiresAt.IsZero():
		return fmt.Errorf("%w: cache entry for %q has no expiry", providers.ErrInvalid, e.Registry)
	case e.Username == "" && e.Secret == "":
		return fmt.Errorf("%w: cache entry for %q is empty", providers.ErrInvalid, e.Registry)
	}
	return nil
}
