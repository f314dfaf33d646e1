package static

import (
	"fmt"
	"strings"

	"github.com/regcred/regcred/providers"
)

// Config is the `static:` block of a registry entry.
type Config struct {
	Username     string `yaml:"username"`
	UsernameEnv  string `yaml:"usernameEnv"`
	UsernameFile string `yaml:"usernameFile"`
	// Password is inline; the config loader warns when the config file is
	// readable by group or others.
	Password     string `yaml:"password"`
	PasswordEnv  string `yaml:"passwordEnv"`
	PasswordFile string `yaml:"passwordFile"`
	// DockerConfig is a docker config.json, a legacy .dockercfg, or a
	// Kubernetes dockerconfigjson Secret (YAML or JSON manifest, or the raw
	// .dockerconfigjson content).
	DockerConfig string `yaml:"dockerConfig"`
}

// Validate checks that the block names exactly one username source and one
// password source, or dockerConfig alone. It does no I/O.
func (c Config) Validate() error {
	if c.DockerConfig != "" {
		if set := c.setFields(); len(set) > 1 {
			return fmt.Errorf("%w: static: dockerConfig holds the username and password; remove %s", providers.ErrInvalid, strings.Join(set[1:], ", "))
		}
		return nil
	}
	if err := exactlyOne("username", c.Username, "usernameEnv", c.UsernameEnv, "usernameFile", c.UsernameFile); err != nil {
		return err
	}
	if err := exactlyOne("password", c.Password, "passwordEnv", c.PasswordEnv, "passwordFile", c.PasswordFile); err != nil {
		return err
	}
	for _, env := range [][2]string{{"usernameEnv", c.UsernameEnv}, {"passwordEnv", c.PasswordEnv}} {
		if env[1] != "" && !validEnvName(env[1]) {
			// The value is not quoted: a secret pasted where its variable's
			// name belongs would be printed into the client's (CI) log.
			return fmt.Errorf("%w: static: %s is not a variable name (letters, digits and '_', not starting with a digit; the value is not shown in case it is the secret itself)", providers.ErrInvalid, env[0])
		}
	}
	return nil
}

// HasInlineSecret reports whether the password is written in the config.
func (c Config) HasInlineSecret() bool { return c.Password != "" }

// setFields names the fields that are set, dockerConfig first.
func (c Config) setFields() []string {
	var set []string
	for _, f := range []struct{ name, value string }{
		{"dockerConfig", c.DockerConfig},
		{"username", c.Username}, {"usernameEnv", c.UsernameEnv}, {"usernameFile", c.UsernameFile},
		{"password", c.Password}, {"passwordEnv", c.PasswordEnv}, {"passwordFile", c.PasswordFile},
	} {
		if f.value != "" {
			set = append(set, f.name)
		}
	}
	return set
}

// exactlyOne takes (name, value) pairs and wants exactly one value set.
func exactlyOne(pairs ...string) error {
	var names, set []string
	for i := 0; i < len(pairs); i += 2 {
		names = append(names, pairs[i])
		if pairs[i+1] != "" {
			set = append(set, pairs[i])
		}
	}
	if len(set) == 1 {
		return nil
	}
	got := "none"
	if len(set) > 1 {
		got = strings.Join(set, " and ")
	}
	return fmt.Errorf("%w: static: set exactly one of %s, or dockerConfig alone (got %s)", providers.ErrInvalid, strings.Join(names, ", "), got)
}

// validEnvName accepts what a shell can export: letters, digits and '_',
// not starting with a digit.
func validEnvName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return s != ""
}
