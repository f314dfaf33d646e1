package jwt

import (
	"fmt"
	"strings"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
)

// Config is the `jwt:` settings of a registry entry.
type Config struct {
	// Username is what the registry expects beside the token (Harbor: the
	// robot account's name).
	Username string `yaml:"username"`
	// IDToken says where the token comes from.
	IDToken idtoken.Config `yaml:"idToken"`
}

// Validate implements the config contract.
func (c Config) Validate() error {
	if strings.TrimSpace(c.Username) == "" {
		return fmt.Errorf("%w: jwt: username is required (what the registry expects beside the token, such as a Harbor robot account's name)", providers.ErrInvalid)
	}
	if err := c.IDToken.Validate(); err != nil {
		return fmt.Errorf("jwt: %w", err)
	}
	return nil
}

// IdentityToken implements idtoken.Trader.
func (c Config) IdentityToken() (idtoken.Config, bool) { return c.IDToken, true }

// ResolvePaths implements providers.RelativePaths.
func (c *Config) ResolvePaths(dir string) { c.IDToken.ResolvePath(dir) }

// UsesPodIdentity implements providers.PodIdentity: with `from: auto`, a
// kubelet request's service-account token is the identity token, and no
// identity of the node takes part.
func (c Config) UsesPodIdentity() bool { return c.IDToken.UsesPodToken() }

// PodAnnotations implements providers.PodIdentity: none are read.
func (Config) PodAnnotations() []string { return nil }
