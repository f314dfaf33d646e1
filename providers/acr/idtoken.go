package acr

import (
	"context"
	"fmt"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
)

// idTokenSource is the keyless path: the workload's identity token (the
// resolver's, or one fetched now) is the client assertion of the entry's
// client, as the pod's token is in kubelet service-account mode.
func (p *Provider) idTokenSource(ctx context.Context, req providers.Request) (source, error) {
	id := p.ids()
	if err := needIDs("idToken", id); err != nil {
		return source{}, err
	}
	cfg, _ := p.cfg.IdentityToken()
	tok, err := idtoken.New(cfg, p.deps).For(ctx, req)
	if err != nil {
		return source{}, fmt.Errorf("acr: %s: %w", req.Registry, err)
	}
	name := "identity token from " + tok.From + " (" + tok.Claims() + "), federated to client " + id.client + " in " + id.tenant
	s, err := p.assertionSource(req.Registry, id, tok.Token, name, kindIDToken)
	s.fix = fmt.Sprintf("client %s needs a federated credential with issuer %q, subject %q and audience %q (idToken.audience)", id.client, tok.Issuer, tok.Subject, cfg.Audience)
	return s, err
}
