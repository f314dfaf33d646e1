package vault

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/regcred/regcred/providers"
)

// gcpUsername is the user name Google registries take with an OAuth
// access token as the password.
const gcpUsername = "oauth2accesstoken"

// gcpToken is the .data of the GCP engine's token endpoints.
type gcpToken struct {
	Token            string      `json:"token"`
	ExpiresAtSeconds json.Number `json:"expires_at_seconds"`
	TokenTTL         json.Number `json:"token_ttl"`
}

// gcpPath is the engine's token endpoint for the account c names.
func gcpPath(c Config) string {
	mount := trimSlashes(orDefault(c.Mount, "gcp"))
	switch {
	case c.Roleset != "":
		return mount + "/roleset/" + trimSlashes(c.Roleset) + "/token"
	case c.StaticAccount != "":
		return mount + "/static-account/" + trimSlashes(c.StaticAccount) + "/token"
	default:
		return mount + "/impersonated-account/" + trimSlashes(c.ImpersonatedAccount) + "/token"
	}
}

// gcpCredential asks the GCP secrets engine for an OAuth access token.
func (p *Provider) gcpCredential(ctx context.Context, c *client, token string) (providers.Credential, error) {
	path := gcpPath(p.cfg)
	k := call{method: http.MethodGet, path: path, token: token}
	r, err := c.do(ctx, k)
	if err != nil {
		return providers.Credential{}, err
	}
	switch {
	case r.status == http.StatusBadRequest:
		// The engine answers 400 for an unknown roleset or account.
		return providers.Credential{}, failf(providers.ErrNotFound, "Vault at %s: %s: %s", c.address, path, vaultMessage(r.body, nil))
	case r.status != http.StatusOK:
		return providers.Credential{}, c.statusError(k, r, "reading "+path)
	}
	var t gcpToken
	if err := decodeNumbers(r.body.Data, &t); err != nil || t.Token == "" {
		return providers.Credential{}, failf(providers.ErrInvalid, "Vault at %s: %s answered no token", c.address, path)
	}
	return providers.Credential{
		Username:  orDefault(p.cfg.Username, gcpUsername),
		Secret:    providers.Secret(t.Token),
		ExpiresAt: p.expiry(t.expiry(p.deps.Now())),
	}, nil
}

// expiry prefers the absolute expires_at_seconds; token_ttl is relative
// to now.
func (t gcpToken) expiry(now time.Time) time.Time {
	if n, err := t.ExpiresAtSeconds.Int64(); err == nil && n > 0 {
		return time.Unix(n, 0)
	}
	if n, err := t.TokenTTL.Int64(); err == nil && n > 0 {
		return now.Add(providers.Seconds(n))
	}
	return time.Time{}
}
