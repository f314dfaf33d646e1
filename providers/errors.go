package providers

import "errors"

// Error values a backend wraps (with %w) so the resolver and the user can
// tell the outcomes apart. All of them make the resolver skip to the next
// matching entry; they differ in what the user is told to do.
var (
	// ErrNotFound: the backend answered, and it has no such secret.
	ErrNotFound = errors.New("no such credential")
	// ErrDenied: the backend refused the caller's identity or policy.
	ErrDenied = errors.New("access denied")
	// ErrUnavailable: the backend could not be reached or is not serving
	// (sealed, throttled, timed out, 5xx).
	ErrUnavailable = errors.New("backend unavailable")
	// ErrNoIdentity: no ambient identity (cloud credentials, token) was found.
	ErrNoIdentity = errors.New("no identity to authenticate with")
	// ErrInvalid: the backend's answer or the entry's settings are malformed.
	ErrInvalid = errors.New("invalid")
)
