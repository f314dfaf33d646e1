package gcr

import (
	"context"
	"fmt"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
)

// idTokenSource is the keyless path: the workload's identity token (the
// resolver's, or one fetched now) exchanged at STS for the entry's pool
// provider, then impersonating impersonateServiceAccount when it is set.
func (p *Provider) idTokenSource(ctx context.Context, req providers.Request) (source, string, error) {
	cfg, _ := p.cfg.IdentityToken()
	tok, err := idtoken.New(cfg, p.deps).For(ctx, req)
	if err != nil {
		return source{}, "", fmt.Errorf("gcr: %s: %w", req.Registry, err)
	}
	provider, target := p.cfg.WorkloadIdentityProvider, p.cfg.ImpersonateServiceAccount
	name := "identity token from " + tok.From + " (" + tok.Claims() + ") exchanged at " + provider
	fix := fmt.Sprintf("the pool provider must trust issuer %q, allow audience %q (idToken.audience) and, by its attribute condition, subject %q", tok.Issuer, cfg.Audience, tok.Subject)
	return p.federatedSource(ctx, provider, tok.Token, target != "", name, fix), target, nil
}
