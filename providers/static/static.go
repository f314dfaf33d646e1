package static

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/static/staticread"
)

// Provider answers the credential its Config names. It keeps no secret in
// memory between calls.
type Provider struct {
	cfg       Config
	lookupEnv func(string) (string, bool)
	logger    *slog.Logger
}

// New checks cfg and returns the provider. It reads nothing: files and
// variables are read by Credential.
func New(cfg Config, deps providers.Deps) (*Provider, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	deps = deps.WithDefaults()
	return &Provider{cfg: cfg, lookupEnv: deps.LookupEnv, logger: deps.Logger}, nil
}

// Credential implements providers.Provider.
func (p *Provider) Credential(ctx context.Context, req providers.Request) (providers.Credential, error) {
	if p.cfg.DockerConfig != "" {
		return p.fromDockerConfig(ctx, req)
	}
	c := p.cfg
	// Both are read before either fails, so a job with two unset
	// variables hears of both at once.
	user, uerr := p.value(ctx, staticread.Source{What: "username", Inline: c.Username, Env: c.UsernameEnv, File: c.UsernameFile})
	pass, perr := p.value(ctx, staticread.Source{What: "password", Inline: c.Password, Env: c.PasswordEnv, File: c.PasswordFile})
	if err := joinFailures(uerr, perr); err != nil {
		return providers.Credential{}, err
	}
	return providers.Credential{Username: user, Secret: providers.Secret(pass)}, nil
}

// joinFailures is the username's and the password's failures as one error
// ("…; …"), nil when both were read; errors.Is sees each.
func joinFailures(uerr, perr error) error {
	switch {
	case uerr == nil:
		return perr
	case perr == nil:
		return uerr
	}
	return fmt.Errorf("%w; %w", uerr, perr)
}
