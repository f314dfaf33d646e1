package dockerhub

import (
	"fmt"
	"strings"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
	"github.com/regcred/regcred/providers/lazyregexp"
)

// DefaultURL is Docker's identity service.
const DefaultURL = "https://identity.docker.com"

// Config is the `dockerhub:` settings of a registry entry.
type Config struct {
	// Org is the Docker Hub organisation: the username.
	Org string `yaml:"org"`
	// ConnectionID is the OIDC connection's id (a UUID) in the
	// organisation's settings.
	ConnectionID string `yaml:"connectionId"`
	// URL is the identity service; DefaultURL when empty.
	URL string `yaml:"url"`
	// IDToken says where the identity token comes from; its audience
	// defaults to the identity service's URL.
	IDToken idtoken.Config `yaml:"idToken"`
}

var uuidRE = lazyregexp.New(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Validate implements the config contract.
func (c Config) Validate() error {
	switch {
	case strings.TrimSpace(c.Org) == "":
		return fmt.Errorf("%w: dockerhub: org is required (the organisation, which is the username)", providers.ErrInvalid)
	case !uuidRE().MatchString(c.ConnectionID):
		return fmt.Errorf("%w: dockerhub: connectionId must be the OIDC connection's id, a UUID (Organization settings › OIDC connections)", providers.ErrInvalid)
	}
	if c.URL != "" {
		if err := idtoken.CheckServiceURL(c.URL); err != nil {
			return fmt.Errorf("dockerhub: url %w", err)
		}
	}
	if err := c.IDToken.Validate(); err != nil {
		return fmt.Errorf("dockerhub: %w", err)
	}
	return nil
}

func (c Config) url() string {
	if c.URL == "" {
		return DefaultURL
	}
	return strings.TrimRight(c.URL, "/")
}

// IdentityToken implements idtoken.Trader, with the identity service's
// URL as the default audience (what docker/login-action asks for).
func (c Config) IdentityToken() (idtoken.Config, bool) {
	return idtoken.Defaulted(&c.IDToken, c.url())
}

// ResolvePaths implements providers.RelativePaths.
func (c *Config) ResolvePaths(dir string) { c.IDToken.ResolvePath(dir) }

// UsesPodIdentity implements providers.PodIdentity: with `from: auto`, a
// kubelet request's service-account token is the identity token, and no
// identity of the node takes part.
func (c Config) UsesPodIdentity() bool { return c.IDToken.UsesPodToken() }

// PodAnnotations implements providers.PodIdentity: none are read.
func (Config) PodAnnotations() []string { return nil }
