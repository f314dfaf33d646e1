package ociauth

import (
	"fmt"
	"net/url"

	"github.com/regcred/regcred/providers"
)

// ParseEndpoint checks an endpoint override: an https URL with a host and
// nothing else (no path, query or user info), or http on a loopback
// address (a local proxy or a test fake), since the answers carry
// secrets. It returns the URL as scheme://host[:port]. Its errors do not
// quote raw, which may hold user info or a token.
func ParseEndpoint(kind, field, raw string) (string, error) {
	bad := func(why string) error {
		return fmt.Errorf("%w: %s: %s %s", providers.ErrInvalid, kind, field, why)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", bad("is not a URL like https://host[:port]")
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", bad("must be scheme://host[:port] with nothing after the host")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !providers.IsLoopbackHost(u.Hostname()) {
			return "", bad("must use https (http only on a loopback address)")
		}
	default:
		return "", bad("must use https")
	}
	return u.Scheme + "://" + u.Host, nil
}
