package controller

import (
	"os"
	"testing"

	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"
)

// TestMain gives controller-runtime's process-wide logger (used by client-go
// reflectors before a manager's own) somewhere to go, as Main does;
// otherwise it prints a stack trace warning into the test output. Each
// manager in the tests logs through its own logger.
func TestMain(m *testing.M) {
	ctrl.SetLogger(logr.Discard())
	os.Exit(m.Run())
}
