package helper

import (
	"context"
	"log/slog"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/helperexec"
)

// Provider asks the helper for each request.
type Provider struct {
	cfg Config
	log *slog.Logger
}

// New returns the provider. The executable is found at each request, so a
// helper installed later is used without a restart.
func New(c Config, d providers.Deps) (*Provider, error) {
	d = d.WithDefaults()
	return &Provider{cfg: c, log: d.Logger}, nil
}

// Credential implements providers.Provider: `get` with the registry as
// docker names it (Docker Hub as https://index.docker.io/v1/).
func (p *Provider) Credential(ctx context.Context, req providers.Request) (providers.Credential, error) {
	exe, err := helperexec.Find(p.cfg.Name, p.cfg.Path)
	if err != nil {
		return providers.Credential{}, err
	}
	return helperexec.Get(ctx, p.log, exe, helperexec.ServerFor(req.Registry))
}
