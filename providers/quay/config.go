package quay

import (
	"fmt"
	"strings"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
)

// Config is the `quay:` settings of a registry entry.
type Config struct {
	// Robot is the federated robot account, `<org>+<name>`.
	Robot string `yaml:"robot"`
	// URL is the Quay server's base URL; default https:// + the registry host.
	URL string `yaml:"url"`
	// IDToken says where the identity token comes from.
	IDToken idtoken.Config `yaml:"idToken"`
}

// Validate implements the config contract.
func (c Config) Validate() error {
	org, name, ok := strings.Cut(c.Robot, "+")
	if !ok || org == "" || name == "" || strings.ContainsAny(c.Robot, ": /") {
		return fmt.Errorf("%w: quay: robot must be a robot account, <org>+<name> (such as acme+ci)", providers.ErrInvalid)
	}
	if c.URL != "" {
		if err := idtoken.CheckServiceURL(c.URL); err != nil {
			return fmt.Errorf("quay: url %w", err)
		}
	}
	if err := c.IDToken.Validate(); err != nil {
		return fmt.Errorf("quay: %w", err)
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
