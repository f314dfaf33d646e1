// Package registrytest runs a real registry (Debian's docker-registry,
// distribution 2.8) on a free loopback port with htpasswd auth, for tests
// that need real clients to talk to a real registry.
package registrytest
