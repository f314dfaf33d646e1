package credhelper

import (
	"context"
	"log/slog"
	"sync/atomic"
)

// watchWarnings wraps l so that warned reports whether anything at warn or
// above was logged.
func watchWarnings(l *slog.Logger) (logger *slog.Logger, warned func() bool) {
	w := &warnWatch{inner: l.Handler(), seen: &atomic.Bool{}}
	return slog.New(w), w.seen.Load
}

type warnWatch struct {
	inner slog.Handler
	seen  *atomic.Bool
}

func (w *warnWatch) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn || w.inner.Enabled(ctx, l)
}

func (w *warnWatch) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		w.seen.Store(true)
	}
	if !w.inner.Enabled(ctx, r.Level) {
		return nil
	}
	return w.inner.Handle(ctx, r)
}

func (w *warnWatch) WithAttrs(as []slog.Attr) slog.Handler {
	return &warnWatch{inner: w.inner.WithAttrs(as), seen: w.seen}
}

func (w *warnWatch) WithGroup(name string) slog.Handler {
	return &warnWatch{inner: w.inner.WithGroup(name), seen: w.seen}
}
