// Package testkit holds the test helpers that several packages' tests share:
// the leak check (AssertNoSecret), a fake clock, an injected environment,
// file writers, readers and copiers, named pipes (Mkfifo), a debug logger
// whose output tests read back, the error check (WantErr), base64 for
// fixtures, a black-holed address (BlackHole), and a network namespace of
// the test's own (PrivateNetwork, ServeHTTPAt) where a fake takes a cloud's
// fixed metadata address (169.254.169.254) and the real SDK code dials it
// unchanged.
//
// It is imported by _test.go files only, and imports nothing of this module
// but internal/syncbuf, so any package's in-package tests can use it without
// an import cycle. Helpers take testing.TB, report through testify's
// require/assert, and mark themselves with t.Helper so a failure points at
// the calling line. Protocol fakes (a fake registry, Vault, ECR …) are not
// here: they live next to the protocol they fake.
package testkit
