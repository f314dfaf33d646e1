// Package ecrconfig holds the `ecr:` settings of a registry entry, their
// static checks, the variables and files that select the AWS identity (the cache key)
// and the built-in ECR match patterns, apart from the ecr backend.
//
// The front binary decodes and validates every entry and computes cache
// keys on every request, warm or not; it links this package but not the
// backend, so it must not pull in the AWS SDK, net/http or crypto/tls, whose
// package initialisation would cost every request its start-up time. A
// test (TestImportsStayLight) enforces that.
package ecrconfig
