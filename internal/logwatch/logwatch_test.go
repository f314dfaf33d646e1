package logwatch

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
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
			if warned() != tt.wantWarned || !strings.Contains(out.String(), tt.wantOut) || (tt.wantOut == "" && out.Len() != 0) {
				t.Errorf("warned %v, out %q", warned(), out.String())
			}
		})
	}
}

// TestWrapWarnsThroughAQuietHandler: an inner handler set above warn (or
// discarding) writes nothing, and the warning is still seen.
func TestWrapWarnsThroughAQuietHandler(t *testing.T) {
	l, warned := Wrap(slog.DiscardHandler)
	l.Debug("d")
	if warned() {
		t.Fatal("debug counted as a warning")
	}
	l.Warn("w")
	if !warned() {
		t.Fatal("a warning through a discarding handler was not seen")
	}
}
