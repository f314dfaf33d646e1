// Package verify proves a registry credential against the registry itself,
// the way a pull would use it: GET /v2/, and on a `WWW-Authenticate: Bearer`
// challenge a token request to the realm with the credential (basic auth, or
// an OAuth2 refresh-token grant for docker's "<token>" identity tokens) and,
// when the repository is known, `scope=repository:<repo>:pull`; a Basic
// challenge is answered directly. With a repository, the tag list is then
// read with that authorisation, which is what decides whether the
// repository is readable.
//
// The answer is a Result whose Status says accepted, rejected, repository
// not readable, repository not found, registry unreachable, or not
// verifiable (the registry answered something this package cannot judge).
// Result.Err maps it onto the providers error values.
//
// Plain http is used only for loopback registries (as docker does for
// 127.0.0.0/8), and only after https was answered in plain HTTP, unless the
// Checker allows it for every host. The secret is never logged, and never
// appears in a Result: registry messages quoted in Detail are scrubbed of
// it.
package verify
