//go:build !unix

package testkit

import "errors"

// Mkfifo makes a named pipe at p (mode 0600), for the tests of readers that
// must refuse one; it returns errors.ErrUnsupported where there are none.
func Mkfifo(string) error { return errors.ErrUnsupported }
