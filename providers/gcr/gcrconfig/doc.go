// Package gcrconfig holds the `gcr:` settings of a registry entry, their
// static checks, the variables and files that select the Google identity (the cache
// key) and the built-in Google match patterns, apart from the gcr backend.
//
// The front binary decodes and validates every entry and computes cache
// keys on every request, warm or not; it links this package but not the
// backend, so it must not pull in golang.org/x/oauth2, net/http or
// crypto/tls, whose package initialisation would cost every request its
// start-up time. A test (TestImportsStayLight) enforces that.
package gcrconfig
