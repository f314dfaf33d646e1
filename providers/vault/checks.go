package vault

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/regcred/regcred/providers"
)

// The checks below are exported because the provider applies them, at
// credential time, to VAULT_ADDR and VAULT_NAMESPACE, which Validate never
// sees. Their errors name the problem, not the setting: the caller knows
// where the value came from. Nor do they quote the value: an address may
// hold user info or a token in its query, a namespace set by mistake may be
// a secret, and errors are printed into the client's log.

// CheckAddress accepts what the Vault CLI accepts in VAULT_ADDR, minus
// credentials: they would end up in logs and error messages.
func CheckAddress(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("is not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("must start with https:// or http://")
	case u.Host == "":
		return errors.New("has no host")
	case u.User != nil:
		return errors.New("must not hold a user name or password")
	case u.RawQuery != "" || u.Fragment != "":
		return errors.New("must not have a query or fragment")
	}
	return nil
}

// CheckPlainHTTP refuses an http:// address that is not loopback unless
// allow is set: every request carries X-Vault-Token.
func CheckPlainHTTP(s string, allow bool) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "http" || allow {
		return nil
	}
	if h := u.Hostname(); providers.IsLoopbackHost(h) {
		return nil
	}
	return errors.New("is plain http to a host that is not loopback: the Vault token would cross the network in clear; use https, or set allowHTTP: true")
}

// CheckPath accepts a Vault path: segments separated by single slashes
// (outer slashes are ignored), no "." or "..", no control characters.
func CheckPath(p string) error {
	p = trimSlashes(p)
	if p == "" {
		return fmt.Errorf("is empty")
	}
	for _, seg := range strings.Split(p, "/") {
		switch {
		case seg == "":
			return fmt.Errorf("has an empty segment (\"//\")")
		case seg == "." || seg == "..":
			return fmt.Errorf("must not contain %q segments", seg)
		case strings.ContainsAny(seg, "?#"):
			return fmt.Errorf("must not contain '?' or '#'")
		case strings.ContainsFunc(seg, func(r rune) bool { return r < 0x20 || r == 0x7f }):
			return fmt.Errorf("contains a control character")
		}
	}
	return nil
}

// trimSlashes drops outer slashes, as CheckPath ignores them.
func trimSlashes(s string) string { return strings.Trim(s, "/") }
