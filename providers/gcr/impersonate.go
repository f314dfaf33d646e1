package gcr

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/regcred/regcred/providers"
)

// impersonate wraps src: its token buys the target service account's
// token from the IAM Credentials API.
func (p *Provider) impersonate(ctx context.Context, src source, target string) source {
	im := impersonation{ctx: ctx, client: p.deps.HTTPClient, base: p.iamURL, target: target, scopes: p.cfg.TokenScopes(), src: src}
	return source{name: "service account " + target + " impersonated by the " + src.name, ts: im}
}

type impersonation struct {
	ctx    context.Context
	client *http.Client
	base   string
	target string
	scopes []string
	src    source
}

// Token implements oauth2.TokenSource with generateAccessToken.
func (im impersonation) Token() (*oauth2.Token, error) {
	caller, err := im.src.ts.Token()
	if err != nil {
		return nil, tokenError(im.src.name, err)
	}
	body, err := json.Marshal(map[string]any{"scope": im.scopes, "lifetime": "3600s"})
	if err != nil {
		return nil, fmt.Errorf("%w: gcr: encoding the impersonation request: %v", providers.ErrInvalid, err)
	}
	u := im.base + "/v1/projects/-/serviceAccounts/" + url.PathEscape(im.target) + ":generateAccessToken"
	req, err := http.NewRequestWithContext(im.ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: gcr: %v", providers.ErrInvalid, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+caller.AccessToken)
	status, raw, err := call{client: im.client, api: "the IAM Credentials API", answer: "the IAM Credentials answer", purpose: "impersonating " + im.target}.do(req)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		code, desc := parseErrorBody(raw)
		// The caller's token is withheld should the answer quote it (a
		// proxy's, a misconfigured iamCredentialsEndpoint's).
		return nil, im.refused(status, code, providers.WithholdQuoted(desc, caller.AccessToken))
	}
	var t struct {
		AccessToken string `json:"accessToken"`
		ExpireTime  string `json:"expireTime"`
	}
	if err := json.Unmarshal(raw, &t); err != nil || t.AccessToken == "" {
		return nil, fmt.Errorf("%w: gcr: the IAM Credentials API answered something that is not a token for %s", providers.ErrInvalid, im.target)
	}
	exp, err := time.Parse(time.RFC3339, t.ExpireTime)
	if err != nil {
		return nil, fmt.Errorf("%w: gcr: the IAM Credentials API answered an unreadable expireTime for %s", providers.ErrInvalid, im.target)
	}
	return &oauth2.Token{AccessToken: t.AccessToken, TokenType: "Bearer", Expiry: exp}, nil
}

func (im impersonation) refused(status int, code, desc string) error {
	reason := providers.OneLine(code + ": " + desc)
	switch {
	case status == http.StatusForbidden || status == http.StatusUnauthorized:
		return fmt.Errorf("%w: gcr: the identity of the %s may not impersonate %s (%s); grant it roles/iam.serviceAccountTokenCreator on that service account (a workload identity pool's principal: roles/iam.workloadIdentityUser)", providers.ErrDenied, im.src.name, im.target, reason)
	case status == http.StatusNotFound:
		return fmt.Errorf("%w: gcr: service account %s does not exist (%s)", providers.ErrNotFound, im.target, reason)
	case status == http.StatusBadRequest:
		return fmt.Errorf("%w: gcr: the IAM Credentials API refused the request for %s (%s); check this entry's scopes", providers.ErrInvalid, im.target, reason)
	default:
		return fmt.Errorf("%w: gcr: the IAM Credentials API answered %d (%s) for %s; try again later", providers.ErrUnavailable, status, reason, im.target)
	}
}
