package cache

import "time"

// RefreshMargin: a token with less than this left is refreshed even if it
// is not yet half-way through its life, so a pull that starts now does not
// fail half-way with an expired token.
const RefreshMargin = 5 * time.Minute

// State is what the policy says to do with a cached entry.
type State int

const (
	// Fresh: serve it.
	Fresh State = iota
	// Refresh: fetch a new one; if that fails, the cached one is still
	// valid and may be served (with a warning).
	Refresh
	// Expired: never serve it.
	Expired
)

func (s State) String() string {
	switch s {
	case Fresh:
		return "fresh"
	case Refresh:
		return "refresh"
	case Expired:
		return "expired"
	}
	return "unknown"
}

// Policy decides an entry's State at now. A token is refreshed once half
// its lifetime (StoredAt → ExpiresAt) has passed or less than RefreshMargin
// remains. A long-lived entry's expiry is the cache TTL, not a token's
// death, so it is fresh until then and never refreshed early (otherwise a
// TTL under 10 minutes would refresh on every call).
func Policy(e Entry, now time.Time) State {
	if e.ExpiresAt.IsZero() || !now.Before(e.ExpiresAt) {
		return Expired
	}
	if e.LongLived {
		return Fresh
	}
	left := e.ExpiresAt.Sub(now)
	if left < RefreshMargin {
		return Refresh
	}
	if e.StoredAt.IsZero() || !e.StoredAt.Before(e.ExpiresAt) {
		// Lifetime unknown: the half-life rule cannot vouch for it.
		return Refresh
	}
	lifetime := e.ExpiresAt.Sub(e.StoredAt)
	if now.Sub(e.StoredAt) >= lifetime/2 {
		return Refresh
	}
	return Fresh
}
