package jfrog

import (
	"context"
	"fmt"
	"strings"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
	"github.com/regcred/regcred/providers/netdeps"
)

// Provider trades the identity token at one platform.
type Provider struct {
	cfg    Config
	deps   netdeps.Deps
	source *idtoken.Source
}

// New returns the provider of cfg.
func New(cfg Config, d netdeps.Deps) (*Provider, error) {
	d = d.WithDefaults()
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	return &Provider{cfg: cfg, deps: d, source: idtoken.New(cfg.IDToken, d)}, nil
}

// Credential implements providers.Provider.
func (p *Provider) Credential(ctx context.Context, req providers.Request) (providers.Credential, error) {
	tok, err := p.source.For(ctx, req)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("jfrog: %s: %w", p.cfg.URL, err)
	}
	ans, err := p.exchange(ctx, tok)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("jfrog: %s: %w", p.cfg.URL, err)
	}
	cred := providers.Credential{Username: ans.Username, Secret: providers.Secret(ans.AccessToken)}
	if ans.ExpiresIn > 0 {
		cred.ExpiresAt = p.deps.Now().Add(providers.Seconds(ans.ExpiresIn))
	}
	return cred, nil
}
