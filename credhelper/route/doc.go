// Package route remembers, for the front, what the engine answered a `get`
// with: a record keyed by everything that answer depends on short of the
// clock, naming the key and the request it was made for, and holding no
// secret (the token-cache entry that answered, where a static entry's
// secret lives, or a settled "not found", and where logins are kept).
// docs/architecture.md walks the warm path that reads routes;
// docs/security.md says what binds them.
package route
