package vault

import (
	"fmt"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
)

// Validate checks the settings without I/O; errors name the setting and
// never quote a value that failed a check: it may be a secret typed in the
// wrong place, and the error is printed into the client's log.
func (c Config) Validate() error {
	for _, check := range []func() error{c.validateServer, c.validateEngine, c.validateFields, c.validateDurations, c.validateTLS, c.Auth.validate} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{providers.ErrInvalid}, args...)...)
}

func (c Config) validateServer() error {
	if c.Address != "" {
		if err := CheckAddress(c.Address); err != nil {
			return invalid("address: %v", err)
		}
		if err := CheckPlainHTTP(c.Address, c.AllowHTTP); err != nil {
			return invalid("address: %v", err)
		}
	}
	if c.Namespace != "" {
		if err := CheckPath(c.Namespace); err != nil {
			return invalid("namespace %v", err)
		}
	}
	return nil
}

func (c Config) validateEngine() error {
	if c.Mount != "" {
		if err := CheckPath(c.Mount); err != nil {
			return invalid("mount %v", err)
		}
	}
	switch c.SecretsEngine() {
	case EngineKV:
		return c.validateKV()
	case EngineGCP:
		return c.validateGCP()
	default:
		return invalid("engine is not one of kv, gcp")
	}
}

func (c Config) validateKV() error {
	if c.Path == "" {
		return invalid("path is required (the secret's path, e.g. secret/dockerhub)")
	}
	if err := CheckPath(c.Path); err != nil {
		return invalid("path %v", err)
	}
	switch c.KVVersion {
	case "", "auto", "1", "2":
	default:
		return invalid("kvVersion is not one of auto, 1, 2")
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
	if err := CheckPath(name); err != nil || strings.Contains(trimSlashes(name), "/") {
		return invalid("%s must be a single name (no '/', '?', '#' or control characters)", set[0])
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
			return invalid("%s is not a positive duration such as \"10m\"", d.name)
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
	if c.TLSServerName != "" && strings.ContainsFunc(c.TLSServerName, isSpaceOrControl) {
		return invalid("tlsServerName must be a host name, without spaces or control characters")
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

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }
