package jfrog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
	"github.com/regcred/regcred/providers/netdeps"
)

// RFC 8693 names of the exchange JFrog's OIDC integration performs.
const (
	grantTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	typeIDToken        = "urn:ietf:params:oauth:token-type:id_token"
	exchangePath       = "/access/api/v1/oidc/token"
)

type exchangeRequest struct {
	GrantType        string `json:"grant_type"`
	SubjectTokenType string `json:"subject_token_type"`
	SubjectToken     string `json:"subject_token"`
	ProviderName     string `json:"provider_name"`
	ProjectKey       string `json:"project_key,omitempty"`
	IdentityMapping  string `json:"identity_mapping_name,omitempty"`
}

type exchangeAnswer struct {
	AccessToken string `json:"access_token"`
	Username    string `json:"username"`
	ExpiresIn   int64  `json:"expires_in"`
}

// exchange posts the identity token to the platform's OIDC endpoint.
func (p *Provider) exchange(ctx context.Context, tok providers.IdentityToken) (exchangeAnswer, error) {
	body, _ := json.Marshal(exchangeRequest{
		GrantType: grantTokenExchange, SubjectTokenType: typeIDToken, SubjectToken: tok.Token.Reveal(),
		ProviderName: p.cfg.ProviderName, ProjectKey: p.cfg.ProjectKey, IdentityMapping: p.cfg.IdentityMapping,
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.URL+exchangePath, bytes.NewReader(body))
	if err != nil {
		return exchangeAnswer{}, fmt.Errorf("%w: %w", providers.ErrInvalid, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	client := *p.deps.HTTPClient
	client.CheckRedirect = netdeps.RefuseDowngrade
	resp, err := client.Do(req)
	if err != nil {
		return exchangeAnswer{}, fmt.Errorf("%w: the OIDC token exchange did not complete: %v", providers.ErrUnavailable, providers.WithholdQuoted(err.Error(), tok.Token.Reveal()))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return exchangeAnswer{}, fmt.Errorf("%w: reading the OIDC token exchange's answer: %v", providers.ErrUnavailable, err)
	}
	if resp.StatusCode != http.StatusOK {
		return exchangeAnswer{}, p.refusal(resp.StatusCode, raw, tok)
	}
	var ans exchangeAnswer
	if json.Unmarshal(raw, &ans) != nil || ans.AccessToken == "" || ans.Username == "" {
		return exchangeAnswer{}, fmt.Errorf("%w: the OIDC token exchange answered without an access_token and a username", providers.ErrInvalid)
	}
	return ans, nil
}

// refusal says why the platform refused and what to change on which side.
func (p *Provider) refusal(code int, body []byte, tok providers.IdentityToken) error {
	msg := idtoken.ShortText(errorMessage(body), tok.Token)
	switch {
	case code == http.StatusUnauthorized, code == http.StatusForbidden, code == http.StatusBadRequest:
		return fmt.Errorf("%w: the platform refused the identity token from %s (%s): HTTP %d: %s; "+
			"its OIDC integration %q must name issuer %q, the token's audience if it sets one (idToken.audience asks for it), "+
			"and an identity mapping matching the token's claims (sub %q)",
			providers.ErrDenied, tok.From, tok.Claims(), code, msg, p.cfg.ProviderName, tok.Issuer, tok.Subject)
	case code == http.StatusNotFound:
		return fmt.Errorf("%w: %s not found (HTTP 404): the url must be the platform's base URL, and the platform 7.73 or later", providers.ErrInvalid, exchangePath)
	case code >= 500, code == http.StatusTooManyRequests:
		return fmt.Errorf("%w: the OIDC token exchange answered HTTP %d: %s", providers.ErrUnavailable, code, msg)
	}
	return fmt.Errorf("%w: the OIDC token exchange answered HTTP %d: %s", providers.ErrInvalid, code, msg)
}

// errorMessage reads JFrog's {"errors": [{"message": …}]}; other bodies
// are shown as they are.
func errorMessage(body []byte) []byte {
	var e struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &e) == nil && len(e.Errors) > 0 && e.Errors[0].Message != "" {
		return []byte(e.Errors[0].Message)
	}
	return body
}
