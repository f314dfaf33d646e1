package ocisdk

import (
	"net/http"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"

	"github.com/regcred/regcred/providers/netdeps"
)

// AttemptTimeout bounds one HTTP exchange with an OCI endpoint, body
// included. The SDK's own dispatcher waits 60 s, and its metadata client
// forever; a credential helper cannot.
const AttemptTimeout = 10 * time.Second

// Dispatcher returns the HTTP client every SDK call of one provider goes
// through: the injected client (its transport, proxy and TLS settings),
// with AttemptTimeout as its per-request limit unless it already has a
// shorter one.
func Dispatcher(hc *http.Client) *http.Client {
	if hc == nil {
		hc = netdeps.DefaultHTTPClient()
	}
	c := *hc
	if c.Timeout == 0 || c.Timeout > AttemptTimeout {
		c.Timeout = AttemptTimeout
	}
	return &c
}

// dispatcherModifier hands the SDK's auth flows (metadata service,
// federation endpoint) the same client instead of their defaults.
func dispatcherModifier(hc *http.Client) func(common.HTTPRequestDispatcher) (common.HTTPRequestDispatcher, error) {
	return func(common.HTTPRequestDispatcher) (common.HTTPRequestDispatcher, error) {
		return hc, nil
	}
}
