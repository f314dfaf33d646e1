package netdeps

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/regcred/regcred/providers"
)

// Deps are a network backend's handles: the clock, environment and logger
// of providers.Deps, and the HTTP client, injected so tests can swap them.
type Deps struct {
	providers.Deps
	HTTPClient *http.Client
	// Logins keeps the tokens of backend logins across processes (the
	// token cache); nil keeps them for the process only.
	Logins providers.LoginCache
}

// Default returns the real clock and environment and a plain HTTP client
// with a 30 s timeout.
func Default(logger *slog.Logger) Deps {
	return Deps{Deps: providers.DefaultDeps(logger), HTTPClient: &http.Client{Timeout: 30 * time.Second}}
}

// WithDefaults fills what a caller left unset: a plain HTTP client, and
// providers.Deps' defaults. Backends call it in New so a zero Deps works.
func (d Deps) WithDefaults() Deps {
	if d.HTTPClient == nil {
		d.HTTPClient = &http.Client{}
	}
	d.Deps = d.Deps.WithDefaults()
	return d
}
