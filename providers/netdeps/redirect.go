package netdeps

import (
	"errors"
	"net/http"
)

// RefuseDowngrade is an http.Client CheckRedirect for clients that carry a
// credential: Go copies Authorization and custom auth headers across a
// redirect to the same host whatever the scheme, so an https → http
// redirect would send the secret in clear. At most 3 redirects are followed.
func RefuseDowngrade(req *http.Request, via []*http.Request) error {
	if len(via) >= 3 {
		return errors.New("stopped after 3 redirects")
	}
	if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
		return errors.New("refused a redirect from https to http")
	}
	return nil
}
