package vaultconfig

import (
	"fmt"
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
		if err := CheckAddress(c.Address); err != nil {
			return invalid("address: %v", err)
		}
		if err := CheckPlainHTTP(c.Address, c.AllowHTTP); err != nil {
			return invalid("address: %v", err)
		}
	}
	if c.Namespace != "" {
		if err := CheckPath(c.Namespace); err != nil {
			return invalid("namespace %q: %v", c.Namespace, err)
		}
	}
	return nil
}

func (c Config) validateEngine() error {
	if c.Mount != "" {
		if err := CheckPath(c.Mount); err != nil {
			return invalid("mount %q: %v", c.Mount, err)
		}
	}
	switch c.SecretsEngine() {
	case EngineKV:
		return c.validateKV()
	case EngineGCP:
		return c.validateGCP()
	default:
		return invalid("engine %q is not one of kv, gcp", c.Engine)
	}
}

func (c Config) validateKV() error {
	if c.Path == "" {
		return invalid("path is required (the secret's path, e.g. secret/dockerhub)")
	}
	if err := CheckPath(c.Path); err != nil {
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
	if err := CheckPath(name); err != nil || strings.Contains(trimSlashes(name), "/") {
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
