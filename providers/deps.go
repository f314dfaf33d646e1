package providers

import (
	"log/slog"
	"os"
	"time"
)

// Deps are the outside-world handles every backend may use. They are
// injected so tests can swap the clock and the environment without globals.
// Backends that speak HTTP take netdeps.Deps, which adds the client: this
// package stays free of net/http.
type Deps struct {
	Now       func() time.Time
	LookupEnv func(string) (string, bool)
	Logger    *slog.Logger
}

// DefaultDeps returns the real clock and environment.
func DefaultDeps(logger *slog.Logger) Deps {
	return Deps{Now: time.Now, LookupEnv: os.LookupEnv, Logger: logger}
}

// Getenv returns the variable's value or "" when unset.
func (d Deps) Getenv(key string) string {
	v, _ := d.LookupEnv(key)
	return v
}

// WithDefaults fills what a caller left unset: the real clock and
// environment, a logger that discards. Backends call it in New so a zero
// Deps works.
func (d Deps) WithDefaults() Deps {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.LookupEnv == nil {
		d.LookupEnv = os.LookupEnv
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return d
}
