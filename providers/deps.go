package providers

import (
	"log/slog"
	"net/http"
	"os"
	"time"
)

// Deps are the outside-world handles a backend may use. They are injected so
// tests can swap the clock, the environment and the network without globals.
type Deps struct {
	HTTPClient *http.Client
	Now        func() time.Time
	LookupEnv  func(string) (string, bool)
	Logger     *slog.Logger
}

// DefaultDeps returns the real clock, environment and a plain HTTP client.
func DefaultDeps(logger *slog.Logger) Deps {
	return Deps{
		HTTPClient: &http.Client{Timeout: 30 * time.Second},
		Now:        time.Now,
		LookupEnv:  os.LookupEnv,
		Logger:     logger,
	}
}

// Getenv returns the variable's value or "" when unset.
func (d Deps) Getenv(key string) string {
	v, _ := d.LookupEnv(key)
	return v
}

// WithDefaults fills what a caller left unset: a plain HTTP client, the
// real clock and environment, a logger that discards. Backends call it in
// New so a zero Deps works.
func (d Deps) WithDefaults() Deps {
	if d.HTTPClient == nil {
		d.HTTPClient = &http.Client{}
	}
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
