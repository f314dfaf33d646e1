package ocir

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"

	"github.com/regcred/regcred/providers"
)

// TokenPath is OCIR's token endpoint on every registry host. oci-cli
// users call it with `oci raw-request --http-method GET --target-uri
// https://<host>/20180419/docker/token`; it is also the realm in the
// registry's WWW-Authenticate challenge.
const TokenPath = "/20180419/docker/token"

// fallbackTTL is assumed when the answer states no lifetime at all.
const fallbackTTL = 5 * time.Minute

// tokenAnswer is the endpoint's JSON answer, as oracle-devrel's
// oke-credential-provider-for-ocir reads it.
type tokenAnswer struct {
	Token       string `json:"token"`
	AccessToken string `json:"access_token"`
	Scope       string `json:"scope"`
	ExpiresIn   int64  `json:"expires_in"`
}

// tokenRequest is the SDK request for the endpoint: a GET without
// parameters.
type tokenRequest struct{}

func (r tokenRequest) HTTPRequest(method, path string, _ *common.OCIReadSeekCloser, extra map[string]string) (http.Request, error) {
	req, err := common.MakeDefaultHTTPRequestWithTaggedStructAndExtraHeaders(method, path, r, extra)
	if err == nil {
		req.Header.Set("Accept", "application/json")
	}
	return req, err
}

func (tokenRequest) BinaryRequestBody() (*common.OCIReadSeekCloser, bool) { return nil, false }
func (tokenRequest) RetryPolicy() *common.RetryPolicy                     { return nil }

// tokenResponse carries the answer through common.Retry.
type tokenResponse struct {
	raw    *http.Response
	answer tokenAnswer
}

func (r tokenResponse) HTTPResponse() *http.Response { return r.raw }

// fetchToken asks the token endpoint through client (signed, retried by
// policy).
func fetchToken(ctx context.Context, client common.BaseClient, policy common.RetryPolicy) (tokenAnswer, error) {
	op := func(ctx context.Context, req common.OCIRequest, body *common.OCIReadSeekCloser, extra map[string]string) (common.OCIResponse, error) {
		httpReq, err := req.HTTPRequest(http.MethodGet, TokenPath, body, extra)
		if err != nil {
			return nil, err
		}
		resp, err := client.Call(ctx, &httpReq)
		defer common.CloseBodyIfValid(resp)
		if err != nil {
			return tokenResponse{raw: resp}, err
		}
		var a tokenAnswer
		if json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&a) != nil {
			return tokenResponse{raw: resp}, errNotJSON
		}
		return tokenResponse{raw: resp, answer: a}, nil
	}
	resp, err := common.Retry(ctx, tokenRequest{}, op, policy)
	if err != nil {
		return tokenAnswer{}, err
	}
	r, ok := resp.(tokenResponse)
	if !ok {
		return tokenAnswer{}, errNotJSON
	}
	return r.answer, nil
}

var errNotJSON = fmt.Errorf("%w: the token endpoint did not answer JSON", providers.ErrInvalid)

// credential checks the answer and computes its expiry: expires_in, else
// the token's own exp claim, else a short fallback.
func credential(host string, a tokenAnswer, now time.Time) (providers.Credential, error) {
	tok := a.Token
	if tok == "" {
		tok = a.AccessToken
	}
	if tok == "" {
		return providers.Credential{}, fmt.Errorf("%w: ocir: %s answered no token", providers.ErrInvalid, host)
	}
	exp := now.Add(fallbackTTL)
	switch {
	case a.ExpiresIn > 0:
		exp = now.Add(providers.Seconds(a.ExpiresIn))
	case !jwtExpiry(tok).IsZero():
		exp = jwtExpiry(tok)
	}
	if !exp.After(now) {
		return providers.Credential{}, fmt.Errorf("%w: ocir: %s answered a token that has already expired", providers.ErrInvalid, host)
	}
	return providers.Credential{Username: Username, Secret: providers.Secret(tok), ExpiresAt: exp}, nil
}

// jwtExpiry reads the exp claim of a JWT without verifying it (the
// registry verifies its own tokens); zero when tok is not one.
func jwtExpiry(tok string) time.Time {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}
	}
	var claims struct {
		Exp int64 `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Exp <= 0 {
		return time.Time{}
	}
	return time.Unix(claims.Exp, 0)
}
