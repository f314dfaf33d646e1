package dockerhub

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
	"github.com/regcred/regcred/providers/netdeps"
)

// lifetime is the expires_in asked for: the longest Docker allows (300 to
// 3600 s); the token is cached, so a longer one saves exchanges.
const lifetime = time.Hour

// hubRegistries are the registries a Docker Hub token may be sent to.
func hubRegistries() []string { return []string{"docker.io", "dhi.io"} }

// Provider trades the identity token at Docker's identity service.
type Provider struct {
	cfg    Config
	deps   netdeps.Deps
	source *idtoken.Source
}

// New returns the provider of cfg.
func New(cfg Config, d netdeps.Deps) (*Provider, error) {
	d = d.WithDefaults()
	t, _ := cfg.IdentityToken()
	return &Provider{cfg: cfg, deps: d, source: idtoken.New(t, d)}, nil
}

// Credential implements providers.Provider.
func (p *Provider) Credential(ctx context.Context, req providers.Request) (providers.Credential, error) {
	if !slices.Contains(hubRegistries(), req.Registry) {
		return providers.Credential{}, fmt.Errorf("%w: dockerhub: a Docker Hub token is only sent to %s, not %s: match the entry on docker.io",
			providers.ErrInvalid, strings.Join(hubRegistries(), " and "), req.Registry)
	}
	tok, err := p.source.For(ctx, req)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("dockerhub: %s: %w", p.cfg.url(), err)
	}
	access, life, err := p.exchange(ctx, tok)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("dockerhub: %s: connection %s: %w", p.cfg.url(), p.cfg.ConnectionID, err)
	}
	return providers.Credential{Username: p.cfg.Org, Secret: providers.Secret(access), ExpiresAt: p.deps.Now().Add(life)}, nil
}

func (p *Provider) exchange(ctx context.Context, tok providers.IdentityToken) (string, time.Duration, error) {
	form := url.Values{
		"grant_type":         {"urn:ietf:params:oauth:grant-type:token-exchange"},
		"subject_token_type": {"urn:ietf:params:oauth:token-type:id_token"},
		"subject_token":      {tok.Token.Reveal()},
		"connection_id":      {p.cfg.ConnectionID},
		"expires_in":         {strconv.Itoa(int(lifetime / time.Second))},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.url()+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, fmt.Errorf("%w: %w", providers.ErrInvalid, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := *p.deps.HTTPClient
	client.CheckRedirect = netdeps.RefuseDowngrade
	resp, err := client.Do(req)
	if err != nil {
		return "", 0, fmt.Errorf("%w: the token exchange did not complete: %v", providers.ErrUnavailable, providers.WithholdQuoted(err.Error(), tok.Token.Reveal()))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", 0, fmt.Errorf("%w: reading the token exchange's answer: %v", providers.ErrUnavailable, err)
	}
	msg := idtoken.ShortText(raw, tok.Token)
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
	case code == http.StatusBadRequest, code == http.StatusUnauthorized, code == http.StatusForbidden:
		return "", 0, fmt.Errorf("%w: Docker refused the identity token from %s (%s): HTTP %d: %s; "+
			"the organisation's OIDC connection must trust issuer %q with a subject matching %q, and the token's audience must be %q (idToken.audience)",
			providers.ErrDenied, tok.From, tok.Claims(), code, msg, tok.Issuer, tok.Subject, p.cfg.url())
	case code >= 500, code == http.StatusTooManyRequests:
		return "", 0, fmt.Errorf("%w: the token exchange answered HTTP %d", providers.ErrUnavailable, code)
	default:
		return "", 0, fmt.Errorf("%w: the token exchange answered HTTP %d: %s", providers.ErrInvalid, code, msg)
	}
	var ans struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if json.Unmarshal(raw, &ans) != nil || ans.AccessToken == "" {
		return "", 0, fmt.Errorf("%w: the token exchange's answer holds no access_token", providers.ErrInvalid)
	}
	life := lifetime
	if ans.ExpiresIn > 0 {
		life = min(life, providers.Seconds(ans.ExpiresIn))
	}
	return ans.AccessToken, life, nil
}
