package logwatch

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWrap(t *testing.T) {
	tests := []struct {
		name       string
		log        func(*slog.Logger)
		wantWarned bool
		wantOut    string
	}{
		{name: "nothing", log: func(*slog.Logger) {}},
		{name: "info below inner's level", log: func(l *slog.Logger) { l.Info("quiet") }},
		{name: "warn", log: func(l *slog.Logger) { l.Warn("loud") }, wantWarned: true, wantOut: "loud"},
		{name: "error through With and a group", log: func(l *slog.Logger) { l.With("k", "v").WithGroup("g").Error("bad") },
			wantWarned: true, wantOut: "bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			l, warned := Wrap(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelWarn}))
			tt.log(l)
			assert.Equal(t, tt.wantWarned, warned(), "warned")
			if tt.wantOut == "" {
				assert.Empty(t, out.String(), "out")
			} else {
				assert.Contains(t, out.String(), tt.wantOut, "out")
			}
		})
	}
}

// TestWrapWarnsThroughAQuietHandler: an inner handler set above warn (or
// discarding) writes nothing, and the warning is still seen.
func TestWrapWarnsThroughAQuietHandler(t *testing.T) {
	l, warned := Wrap(slog.DiscardHandler)
	l.Debug("d")
	require.False(t, warned(), "debug counted as a warning")
	l.Warn("w")
	require.True(t, warned(), "a warning through a discarding handler was not seen")
}
