// Package oidctest is a fake OIDC issuer on 127.0.0.1 for tests of keyless
// pulls: it signs RS256 JWTs, publishes its discovery document and JWKS as
// a real issuer does, serves the CI token endpoints regcred asks (GitHub
// Actions', Buildkite's) — each requiring its request token — and verifies
// tokens (signature against the issuer's JWKS fetched over HTTP, iss, aud,
// exp) for the fakes of the services that trade them (JFrog, Quay, STS,
// Entra). Forge signs with a foreign key under the same issuer and key id,
// for the refusals.
package oidctest
