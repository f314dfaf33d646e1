// Package logwatch records whether anything at warn or above was logged.
// Both executables need to know: the front stays silent and leaves the
// request to the engine when it would have warned, and the engine records
// no route for a run that warned.
package logwatch

import (
	"context"
	"log/slog"
	"sync/atomic"
)

// Wrap returns a logger that writes through inner and whose warned reports
// whether anything at warn or above was logged, whatever inner's level.
// With slog.DiscardHandler it only watches.
func Wrap(inner slog.Handler) (logger *slog.Logger, warned func() bool) {
	w := &watch{inner: inner, seen: &atomic.Bool{}}
	return slog.New(w), w.seen.Load
}

type watch struct {
	inner slog.Handler
	seen  *atomic.Bool
}

func (w *watch) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn || w.inner.Enabled(ctx, l)
}

func (w *watch) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		w.seen.Store(true)
	}
	if !w.inner.Enabled(ctx, r.Level) {
		return nil
	}
	return w.inner.Handle(ctx, r)
}

func (w *watch) WithAttrs(as []slog.Attr) slog.Handler {
	return &watch{inner: w.inner.WithAttrs(as), seen: w.seen}
}

func (w *watch) WithGroup(name string) slog.Handler {
	return &watch{inner: w.inner.WithGroup(name), seen: w.seen}
}
