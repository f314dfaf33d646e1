package vault

import (
	"context"
	"net/http"

	"github.com/regcred/regcred/providers"
)

// renew extends old's life with auth/token/renew-self instead of logging in
// again. ok is false when Vault refuses, or when the renewal does not at
// least double what is left of the token's life (its max TTL is near):
// then a fresh login serves better.
func (p *Provider) renew(ctx context.Context, c *client, old providers.LoginToken) (providers.LoginToken, bool) {
	r, err := c.do(ctx, call{method: http.MethodPost, path: "auth/token/renew-self", token: old.Token.Reveal(), body: map[string]any{}})
	if err != nil || r.status != http.StatusOK || r.body.Auth == nil || r.body.Auth.ClientToken == "" {
		p.deps.Logger.Debug("vault: renewing the login token failed; logging in", "address", c.address, "status", r.status, "error", err)
		return providers.LoginToken{}, false
	}
	t := p.loginToken(r.body.Auth)
	now := p.deps.Now()
	if t.ExpiresAt.IsZero() || t.ExpiresAt.Sub(now) < 2*old.ExpiresAt.Sub(now) {
		p.deps.Logger.Debug("vault: login token near its max TTL; logging in", "address", c.address)
		return providers.LoginToken{}, false
	}
	p.deps.Logger.Debug("vault: login token renewed", "address", c.address, "ttl", t.ExpiresAt.Sub(now))
	return t, true
}
