package vault

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
)

// Validate checks the settings without I/O; errors name the setting.
func (c Config) Validate() error {
	for _, check := range []func() error{c.validateServer, c.validateEngine, c.validateFields, c.validateDurations, c.validateTLS, c.Auth.validate} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: vault: "+format, append([]any{providers.ErrInvalid}, args...)...)
}

func (c Config) validateServer() error {
	if c.Address != "" {
		if err := checkAddress(c.Address); err != nil {
			return invalid("address: %v", err)
		}
		if err := checkPlainHTTP(c.Address, c.AllowHTTP); err != nil {
			return invalid("address: %v", err)
		}
	}
	if c.Namespace != "" {
		if err := checkPath(c.Namespace); err != nil {
			return invalid("namespace %q: %v", c.Namespace, err)
		}
	}
	return nil
}

// checkAddress accepts what the Vault CLI accepts in VAULT_ADDR, minus
// credentials: they would end up in logs and error messages.
func checkAddress(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL", s)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%q must start with https:// or http://", s)
	case u.Host == "":
		return fmt.Errorf("%q has no host", s)
	case u.User != nil:
		return fmt.Errorf("must not hold a user name or password")
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("%q must not have a query or fragment", s)
	}
	return nil
}

// checkPlainHTTP refuses an http:// address that is not loopback unless
// the entry allows it: every request carries X-Vault-Token.
func checkPlainHTTP(s string, allow bool) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "http" || allow {
		return nil
	}
	h := u.Hostname()
	if ip := net.ParseIP(h); strings.EqualFold(h, "localhost") || ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%q is plain http to a host that is not loopback: the Vault token would cross the network in clear; use https, or set allowHTTP: true", s)
}

// checkPath accepts a Vault path: segments separated by single slashes
// (outer slashes are ignored), no "." or "..", no control characters.
func checkPath(p string) error {
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

func trimSlashes(s string) string { return strings.Trim(s, "/") }

func (c Config) validateEngine() error {
	if c.Mount != "" {
		if err := checkPath(c.Mount); err != nil {
			return invalid("mount %q: %v", c.Mount, err)
		}
	}
	switch c.engine() {
	case engineKV:
		return c.validateKV()
	case engineGCP:
		return c.validateGCP()
	default:
		return invalid("engine %q is not one of kv, gcp", c.Engine)
	}
}

func (c Config) validateKV() error {
	if c.Path == "" {
		return invalid("path is required (the secret's path, e.g. secret/dockerhub)")
	}
	if err := checkPath(c.Path); err != nil {
		return invalid("path %q: %v", c.Path, err)
	}
	switch c.KVVersion {
	case "", "auto", "1", "2":
	default:
		return invalid("kvVersion %q is not one of auto, 1, 2", c.KVVersion)
	}
	if c.Version < 0 {
		return invalid("version %d must be a KV v2 version number (1 or more)", c.Version)
	}
	if c.Version > 0 && c.KVVersion == "1" {
		return invalid("version pins a KV v2 version, but kvVersion is 1")
	}
	if set := setNames("roleset", c.Roleset, "staticAccount", c.StaticAccount, "impersonatedAccount", c.ImpersonatedAccount); len(set) > 0 {
		return invalid("%s is a setting of the gcp engine (set engine: gcp)", set[0])
	}
	return nil
}

func (c Config) validateGCP() error {
	set := setNames("roleset", c.Roleset, "staticAccount", c.StaticAccount, "impersonatedAccount", c.ImpersonatedAccount)
	if len(set) != 1 {
		return invalid("engine gcp needs exactly one of roleset, staticAccount, impersonatedAccount (got %s)", listOrNone(set))
	}
	name := c.Roleset + c.StaticAccount + c.ImpersonatedAccount
	if err := checkPath(name); err != nil || strings.Contains(trimSlashes(name), "/") {
		return invalid("%s %q must be a single name", set[0], name)
	}
	unused := setNames("path", c.Path, "kvVersion", c.KVVersion, "usernameField", c.UsernameField, "passwordField", c.PasswordField)
	if c.Version != 0 {
		unused = append(unused, "version")
	}
	if len(unused) > 0 {
		return invalid("%s is not used by the gcp engine", strings.Join(unused, ", "))
	}
	return nil
}

func (c Config) validateFields() error {
	if c.Username != "" && c.UsernameField != "" {
		return invalid("set username (a fixed user name) or usernameField, not both")
	}
	return nil
}

func (c Config) validateDurations() error {
	for _, d := range []struct{ name, value string }{{"ttl", c.TTL}, {"timeout", c.Timeout}} {
		if d.value == "" {
			continue
		}
		if v, err := time.ParseDuration(d.value); err != nil || v <= 0 {
			return invalid("%s %q is not a positive duration such as \"10m\"", d.name, d.value)
		}
	}
	return nil
}

func (c Config) validateTLS() error {
	if (c.ClientCert == "") != (c.ClientKey == "") {
		return invalid("clientCert and clientKey go together (set both or neither)")
	}
	if c.CACert != "" && c.CAPath != "" {
		return invalid("set caCert or caPath, not both")
	}
	return nil
}

// setNames takes (name, value) pairs and returns the names whose value is set.
func setNames(pairs ...string) []string {
	var set []string
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			set = append(set, pairs[i])
		}
	}
	return set
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, " and ")
}
