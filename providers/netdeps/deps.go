package netdeps

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/regcred/regcred/providers"
)

// DefaultHTTPTimeout bounds one HTTP exchange of a backend, body included,
// when its caller hands it no client of its own.
const DefaultHTTPTimeout = 30 * time.Second

// Deps are a network backend's handles: the clock, environment and logger
// of providers.Deps, and the HTTP client, injected so tests can swap them.
type Deps struct {
	providers.Deps
	HTTPClient *http.Client
	// Logins keeps the tokens of backend logins across processes (the
	// token cache); nil keeps them for the process only.
	Logins providers.LoginCache
}

// DefaultHTTPClient is the client every backend uses unless it is given
// another: the default transport, with DefaultHTTPTimeout.
func DefaultHTTPClient() *http.Client {
	return &http.Client{Timeout: DefaultHTTPTimeout}
}

// Default returns the real clock and environment and DefaultHTTPClient.
func Default(logger *slog.Logger) Deps {
	return Deps{Deps: providers.DefaultDeps(logger)}.WithDefaults()
}

// WithDefaults fills what a caller left unset: DefaultHTTPClient, and
// providers.Deps' defaults. Backends call it in New so a zero Deps works.
func (d Deps) WithDefaults() Deps {
	if d.HTTPClient == nil {
		d.HTTPClient = DefaultHTTPClient()
	}
	d.Deps = d.Deps.WithDefaults()
	return d
}
