package gcr

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/regcred/regcred/providers"
)

// stsURL is Google's Security Token Service, which exchanges an outside
// identity's token (here the pod's) for a federated access token.
const stsURL = "https://sts.googleapis.com"

// RFC 8693 token exchange, as STS takes it.
const (
	tokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange"
	jwtTokenType       = "urn:ietf:params:oauth:token-type:jwt"
	accessTokenType    = "urn:ietf:params:oauth:token-type:access_token"
)

// stsExchange is an oauth2.TokenSource that exchanges one subject token.
type stsExchange struct {
	ctx      context.Context
	client   *http.Client
	url      string
	audience string
	subject  providers.Secret
	scopes   []string
	name     string
	// fix is what to change when STS refuses the subject token.
	fix string
	now func() time.Time
}

// Token implements oauth2.TokenSource.
func (x stsExchange) Token() (*oauth2.Token, error) {
	form := url.Values{
		"grant_type":           {tokenExchangeGrant},
		"audience":             {x.audience},
		"scope":                {strings.Join(x.scopes, " ")},
		"requested_token_type": {accessTokenType},
		"subject_token_type":   {jwtTokenType},
		"subject_token":        {x.subject.Reveal()},
	}
	req, err := http.NewRequestWithContext(x.ctx, http.MethodPost, x.url, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("%w: gcr: the STS endpoint: %v", providers.ErrInvalid, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, raw, err := call{client: x.client, api: "the Security Token Service", answer: "the STS answer", purpose: "the " + x.name}.do(req)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		code, desc := parseErrorBody(raw)
		return nil, stsRefused(x.name, x.fix, status, code, providers.WithholdQuoted(desc, x.subject.Reveal()))
	}
	return parseSTSAnswer(raw, x.now())
}

// parseSTSAnswer reads a 200 answer of the token exchange. Errors never
// quote it: it holds the token.
func parseSTSAnswer(raw []byte, now time.Time) (*oauth2.Token, error) {
	var a struct {
		AccessToken     string          `json:"access_token"`
		IssuedTokenType string          `json:"issued_token_type"`
		TokenType       string          `json:"token_type"`
		ExpiresIn       json.RawMessage `json:"expires_in"`
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("%w: gcr: the Security Token Service answered something that is not a token exchange answer (not shown)", providers.ErrInvalid)
	}
	switch {
	case a.AccessToken == "" || strings.ContainsFunc(a.AccessToken, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		return nil, fmt.Errorf("%w: gcr: the Security Token Service answered without a usable access_token", providers.ErrInvalid)
	case a.IssuedTokenType != "" && a.IssuedTokenType != accessTokenType:
		return nil, fmt.Errorf("%w: gcr: the Security Token Service issued a %s, not an access token", providers.ErrInvalid, providers.OneLine(a.IssuedTokenType))
	case a.TokenType != "" && !strings.EqualFold(a.TokenType, "Bearer"):
		return nil, fmt.Errorf("%w: gcr: the Security Token Service issued a token of type %s, not Bearer", providers.ErrInvalid, providers.OneLine(a.TokenType))
	}
	tok := &oauth2.Token{AccessToken: a.AccessToken, TokenType: "Bearer"}
	if len(a.ExpiresIn) > 0 {
		var secs int64
		if err := json.Unmarshal(a.ExpiresIn, &secs); err != nil || secs > 24*3600 {
			return nil, fmt.Errorf("%w: gcr: the Security Token Service answered an expires_in that is not a number of seconds up to a day", providers.ErrInvalid)
		}
		if secs <= 0 {
			return nil, fmt.Errorf("%w: gcr: the Security Token Service answered an already expired token (expires_in %d)", providers.ErrInvalid, secs)
		}
		tok.Expiry = now.Add(time.Duration(secs) * time.Second)
	}
	return tok, nil
}

// stsRefused explains a refusal of the exchange: the pool provider's
// checks of the subject token, and fix, what to change about them.
func stsRefused(name, fix string, status int, code, desc string) error {
	reason := providers.OneLine(strings.Trim(code+": "+desc, ": "))
	if reason == "" {
		reason = fmt.Sprintf("HTTP %d", status)
	}
	switch {
	case code == "invalid_grant", code == "unauthorized_client":
		return fmt.Errorf("%w: gcr: the Security Token Service refused the %s (%s); %s", providers.ErrDenied, name, reason, fix)
	case code == "invalid_target":
		return fmt.Errorf("%w: gcr: the Security Token Service knows no such workload identity pool provider for the %s (%s); check the project number, pool and provider", providers.ErrDenied, name, reason)
	case status == 408 || status == 429 || status >= 500:
		return fmt.Errorf("%w: gcr: the Security Token Service is not serving (%s) for the %s; try again later", providers.ErrUnavailable, reason, name)
	case code == "invalid_scope" || code == "invalid_request" || code == "unsupported_grant_type":
		return fmt.Errorf("%w: gcr: the Security Token Service refused the request for the %s (%s)", providers.ErrInvalid, name, reason)
	}
	return fmt.Errorf("%w: gcr: the Security Token Service refused the %s (%s)", providers.ErrDenied, name, reason)
}
