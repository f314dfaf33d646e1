package testkit

import (
	"log/slog"

	"github.com/regcred/regcred/internal/syncbuf"
)

// DebugLogger returns a text logger at debug level and the buffer it writes
// to, which goroutines may share; tests read the buffer to check what was
// logged (and that no secret was).
func DebugLogger() (*slog.Logger, *syncbuf.Buffer) {
	b := &syncbuf.Buffer{}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}
