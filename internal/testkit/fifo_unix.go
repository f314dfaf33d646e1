//go:build unix

package testkit

import "syscall"

// Mkfifo makes a named pipe at p (mode 0600), for the tests of readers that
// must refuse one; it returns errors.ErrUnsupported where there are none.
func Mkfifo(p string) error { return syscall.Mkfifo(p, 0o600) }
