package jwt

import (
	"context"
	"fmt"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
	"github.com/regcred/regcred/providers/netdeps"
)

// Provider answers the identity token as the password.
type Provider struct {
	cfg    Config
	source *idtoken.Source
}

// New returns the provider of cfg.
func New(cfg Config, d netdeps.Deps) (*Provider, error) {
	return &Provider{cfg: cfg, source: idtoken.New(cfg.IDToken, d)}, nil
}

// Credential implements providers.Provider.
func (p *Provider) Credential(ctx context.Context, req providers.Request) (providers.Credential, error) {
	tok, err := p.source.For(ctx, req)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("jwt: %w", err)
	}
	return providers.Credential{Username: p.cfg.Username, Secret: tok.Token, ExpiresAt: tok.Expiry}, nil
}
