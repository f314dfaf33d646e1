package acr

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// exchangePath is where an ACR login server turns an Entra token into
// one of its refresh tokens (the flow of `az acr login`).
const exchangePath = "/oauth2/exchange"

// maxAnswer bounds the exchange's answer: a refresh token is a few KiB.
const maxAnswer = 64 << 10

// exchange asks the registry for a refresh token for the Entra token.
func (p *Provider) exchange(ctx context.Context, reg registry, tenant string, access providers.Secret) (providers.Secret, error) {
	form := url.Values{
		"grant_type":   {"access_token"},
		"service":      {reg.host},
		"access_token": {access.Reveal()},
	}
	if tenant != "" {
		form.Set("tenant", tenant)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, reg.url(exchangePath), strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("%w: acr: %s: %v", providers.ErrInvalid, reg.host, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := *p.deps.HTTPClient
	client.CheckRedirect = netdeps.RefuseDowngrade
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("%w: acr: %s%s gave no answer in time: %w", providers.ErrUnavailable, reg.host, exchangePath, ctx.Err())
		}
		return "", fmt.Errorf("%w: acr: %s%s is unreachable: %s", providers.ErrUnavailable, reg.host, exchangePath, withhold(errors.Unwrap(err), access))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return "", fmt.Errorf("%w: acr: %s%s: reading the answer: %v", providers.ErrUnavailable, reg.host, exchangePath, err)
	}
	if len(body) > maxAnswer {
		return "", fmt.Errorf("%w: acr: %s%s answered more than %d bytes", providers.ErrInvalid, reg.host, exchangePath, maxAnswer)
	}
	return ParseExchange(reg.host, resp.StatusCode, body, access)
}

// ParseExchange reads the registry's answer to the exchange: the refresh
// token on 200, else the registry's reason, classified. access is the
// token sent, withheld should an answer echo it.
func ParseExchange(host string, status int, body []byte, access providers.Secret) (providers.Secret, error) {
	if status != http.StatusOK {
		reason := providers.OneLine(withhold(errors.New(registryReason(body)), access))
		switch {
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			return "", fmt.Errorf("%w: acr: %s refused the Entra token (%d: %s); the identity needs the AcrPull role (or a role with pull rights) on this registry, and the registry must allow Entra logins",
				providers.ErrDenied, host, status, reason)
		case status == http.StatusNotFound:
			return "", fmt.Errorf("%w: acr: %s has no %s (404): it is not an Azure Container Registry", providers.ErrNotFound, host, exchangePath)
		case status == http.StatusTooManyRequests || status >= 500:
			return "", fmt.Errorf("%w: acr: %s is not serving the exchange (%d: %s); try again later", providers.ErrUnavailable, host, status, reason)
		}
		return "", fmt.Errorf("%w: acr: %s refused the exchange (%d: %s)", providers.ErrDenied, host, status, reason)
	}
	var a struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal(body, &a); err != nil || strings.TrimSpace(a.RefreshToken) == "" {
		return "", fmt.Errorf("%w: acr: %s answered the exchange with something that is not a refresh token", providers.ErrInvalid, host)
	}
	if strings.ContainsFunc(a.RefreshToken, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "", fmt.Errorf("%w: acr: %s answered a refresh token with spaces or control characters", providers.ErrInvalid, host)
	}
	return providers.Secret(a.RefreshToken), nil
}

// registryReason is the registry's error: ACR answers
// {"errors":[{"code":…,"message":…}]}, an OAuth error, or text.
func registryReason(body []byte) string {
	var e struct {
		Errors []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &e) == nil && len(e.Errors) > 0 {
		return strings.TrimSpace(e.Errors[0].Code + ": " + e.Errors[0].Message)
	}
	if code, desc := oauthError(body); code != "" {
		return code + ": " + desc
	}
	return string(body)
}

func withhold(err error, secret providers.Secret) string {
	if err == nil {
		return ""
	}
	return providers.WithholdQuoted(err.Error(), secret.Reveal())
}

// assumedLifetime is the expiry given to a refresh token whose exp cannot
// be read: ACR's last 3 hours, and a short guess only costs an early
// refresh, while none would let the cache keep a dead token.
const assumedLifetime = 10 * time.Minute

// credential answers the refresh token, with the expiry of its exp claim.
func (p *Provider) credential(reg registry, refresh providers.Secret) (providers.Credential, error) {
	now := p.deps.Now()
	exp, ok := providers.JWTExpiry(refresh.Reveal())
	if !ok {
		exp = now.Add(assumedLifetime)
	}
	if !exp.After(now) {
		return providers.Credential{}, fmt.Errorf("%w: acr: %s answered a refresh token that expired at %s, before now (%s); check this machine's clock",
			providers.ErrInvalid, reg.host, exp.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return providers.Credential{Username: Username, Secret: refresh, ExpiresAt: exp}, nil
}

// tenantOf reads the tid claim of an Entra token, unverified: the
// registry verifies the token; the tenant only tells it which directory
// to look in. "" when there is none.
func tenantOf(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var c struct {
		TID string `json:"tid"`
	}
	if json.Unmarshal(payload, &c) != nil || !IsTenantID(c.TID) {
		return ""
	}
	return c.TID
}
