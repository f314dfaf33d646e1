package testkit

import (
	"os"
	"testing"
)

// ForeignUID owns what another local user would have: tests running as
// root chown files to it to play that user (or the user root acts for
// under sudo).
const ForeignUID = 4242

// NeedRoot skips a test that must act as or for another user (chown,
// files owned by ForeignUID) unless it runs as root, as it does in CI.
func NeedRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("acting as or for another user needs root")
	}
}
