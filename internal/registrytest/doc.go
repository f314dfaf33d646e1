// Package registrytest runs a real registry (Debian's docker-registry,
// distribution 2.8) on a free loopback port, for tests that need real
// clients to talk to a real registry: with htpasswd auth (Start), or with
// token auth behind a small token server that issues the JWTs the registry
// verifies (StartTokenAuth).
package registrytest
