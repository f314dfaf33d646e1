package ocisdk

import (
	"net/http"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"

	"github.com/regcred/regcred/providers/netdeps"
	"github.com/regcred/regcred/providers/oci/ociauth"
)

// Service is what an OCI backend keeps from New for its calls: the deps,
// the one HTTP client its SDK calls and identity exchanges go through,
// the entry's endpoint override and the retry backoff.
type Service struct {
	Deps     netdeps.Deps
	HTTP     *http.Client // see Dispatcher
	Endpoint string       // "" means the SDK's own host
	Backoff  time.Duration
}

// NewService fills the deps' defaults and parses endpoint, which the
// entry's Validate has already checked; kind names the backend in errors.
func NewService(kind, endpoint string, deps netdeps.Deps) Service {
	deps = deps.WithDefaults()
	s := Service{Deps: deps, HTTP: Dispatcher(deps.HTTPClient), Backoff: DefaultBackoff}
	if endpoint != "" {
		s.Endpoint, _ = ociauth.ParseEndpoint(kind, "endpoint", endpoint)
	}
	return s
}

// Tune readies an SDK client for the service's calls (see Tune), sending
// it to the endpoint override when there is one.
func (s Service) Tune(bc *common.BaseClient) {
	Tune(bc, s.HTTP, s.Backoff)
	if s.Endpoint != "" {
		bc.Host = s.Endpoint
	}
}

// Identity is the identity of settings, resolved through the service's
// deps and HTTP client.
func (s Service) Identity(settings ociauth.Settings) Identity {
	return Identity{Settings: settings, Deps: s.Deps.Deps, HTTP: s.HTTP}
}
