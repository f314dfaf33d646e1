package vault

import (
	"context"
	"errors"
	"net/http"
)

// classifyDenied settles an ambiguous 403 (see deniedError) by asking
// auth/token/lookup-self with the same token: Vault answers it for any
// valid token whose policies allow it (the default policy does) and
// refuses an unknown one with the same bare "permission denied". Any other
// answer, or none, leaves the policy message. tokenHint is the advice the
// invalid-token message gives.
func (p *Provider) classifyDenied(ctx context.Context, c *client, token, tokenHint string, err error) error {
	var d *deniedError
	if !errors.As(err, &d) {
		return err
	}
	if !d.invalid && d.ambiguous {
		r, lerr := c.do(ctx, call{method: http.MethodGet, path: "auth/token/lookup-self", token: token})
		if lerr == nil && r.status == http.StatusForbidden && (bareDenied(r.body) || saysInvalidToken(r.body)) {
			d.invalid = true
		}
		p.deps.Logger.Debug("vault: 403 classified by lookup-self", "address", c.address, "status", r.status, "invalidToken", d.invalid)
	}
	d.ambiguous = false
	if d.invalid {
		d.tokenHint = tokenHint
	}
	return err
}
