package quay

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
	"github.com/regcred/regcred/providers/netdeps"
)

// tokenLife is how long Quay's federated robot tokens last, for an answer
// whose token carries no exp.
const tokenLife = time.Hour

const tokenPath = "/oauth2/federation/robot/token"

// Provider trades the identity token for a robot token.
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
	base := p.cfg.URL
	if base == "" {
		base = "https://" + req.Registry
	}
	tok, err := p.source.For(ctx, req)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("quay: %s: %w", base, err)
	}
	robotToken, err := p.exchange(ctx, base, tok)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("quay: %s: robot %s: %w", base, p.cfg.Robot, err)
	}
	exp, ok := providers.JWTExpiry(robotToken)
	if !ok {
		exp = p.deps.Now().Add(tokenLife)
	}
	return providers.Credential{Username: p.cfg.Robot, Secret: providers.Secret(robotToken), ExpiresAt: exp}, nil
}

// exchange is `GET <base>/oauth2/federation/robot/token` with HTTP Basic
// robot:<identity token>, answered by {"token": …}.
func (p *Provider) exchange(ctx context.Context, base string, tok providers.IdentityToken) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+tokenPath, nil)
	if err != nil {
		return "", fmt.Errorf("%w: %w", providers.ErrInvalid, err)
	}
	req.SetBasicAuth(p.cfg.Robot, tok.Token.Reveal())
	req.Header.Set("Accept", "application/json")
	client := *p.deps.HTTPClient
	client.CheckRedirect = netdeps.RefuseDowngrade
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("%w: the federation token request did not complete: %v", providers.ErrUnavailable, providers.WithholdQuoted(err.Error(), tok.Token.Reveal()))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("%w: reading the federation token answer: %v", providers.ErrUnavailable, err)
	}
	msg := idtoken.ShortText(raw, tok.Token)
	switch code := resp.StatusCode; {
	case code == http.StatusOK:
	case code == http.StatusUnauthorized, code == http.StatusForbidden, code == http.StatusBadRequest:
		return "", fmt.Errorf("%w: Quay refused the identity token from %s (%s): HTTP %d: %s; "+
			"the robot's federation (Robot Accounts › Set robot federation) must name issuer %q and subject %q",
			providers.ErrDenied, tok.From, tok.Claims(), code, msg, tok.Issuer, tok.Subject)
	case code == http.StatusNotFound:
		return "", fmt.Errorf("%w: %s not found (HTTP 404): the url must be the Quay server's, version 3.13 or later", providers.ErrInvalid, tokenPath)
	case code >= 500, code == http.StatusTooManyRequests:
		return "", fmt.Errorf("%w: the federation token request answered HTTP %d", providers.ErrUnavailable, code)
	default:
		return "", fmt.Errorf("%w: the federation token request answered HTTP %d: %s", providers.ErrInvalid, code, msg)
	}
	var ans struct {
		Token string `json:"token"`
	}
	if json.Unmarshal(raw, &ans) != nil || ans.Token == "" {
		return "", fmt.Errorf("%w: the federation token answer holds no token", providers.ErrInvalid)
	}
	return ans.Token, nil
}
