package jfrog

import (
	"fmt"
	"strings"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
)

// Config is the `jfrog:` settings of a registry entry.
type Config struct {
	// URL is the platform's base URL (https://acme.jfrog.io).
	URL string `yaml:"url"`
	// ProviderName is the OIDC integration's name on the platform.
	ProviderName string `yaml:"providerName"`
	// ProjectKey scopes the token to a JFrog project (optional).
	ProjectKey string `yaml:"projectKey"`
	// IdentityMapping names the identity mapping to apply (optional: the
	// platform picks the first whose claims match).
	IdentityMapping string `yaml:"identityMapping"`
	// IDToken says where the identity token comes from.
	IDToken idtoken.Config `yaml:"idToken"`
}

// Validate implements the config contract.
func (c Config) Validate() error {
	switch {
	case strings.TrimSpace(c.URL) == "":
		return fmt.Errorf("%w: jfrog: url is required (the platform's base URL, https://<name>.jfrog.io)", providers.ErrInvalid)
	case strings.TrimSpace(c.ProviderName) == "":
		return fmt.Errorf("%w: jfrog: providerName is required (the OIDC integration's name: Administration › General › Manage Integrations)", providers.ErrInvalid)
	}
	if err := idtoken.CheckServiceURL(c.URL); err != nil {
		return fmt.Errorf("jfrog: url %w", err)
	}
	if err := c.IDToken.Validate(); err != nil {
		return fmt.Errorf("jfrog: %w", err)
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
