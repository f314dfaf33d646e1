package testkit

import (
	"testing"

	"golang.org/x/sys/unix"
)

// SkipWithoutPersistentKeyring skips tb where the kernel's persistent
// keyring (the sealed store's key holder) cannot be had: no keyrings, or a
// seccomp filter refusing keyctl.
func SkipWithoutPersistentKeyring(tb testing.TB) {
	tb.Helper()
	if _, err := unix.KeyctlInt(unix.KEYCTL_GET_PERSISTENT, -1, unix.KEY_SPEC_PROCESS_KEYRING, 0, 0); err != nil {
		tb.Skipf("no persistent keyring here: %v", err)
	}
}
