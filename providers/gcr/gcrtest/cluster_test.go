package gcrtest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSTSVerifiesThePodToken: the exchange at a cluster's pool provider
// verifies the pod's token as Google's STS does.
func TestSTSVerifiesThePodToken(t *testing.T) {
	s := NewServer(t)
	c := s.NewCluster(t, "cluster")
	other := s.NewCluster(t, "other")
	now := time.Now().Unix()
	claims := func(edit func(map[string]any)) map[string]any {
		m := map[string]any{"iss": c.Issuer, "aud": []string{c.TokenAudience}, "sub": "system:serviceaccount:ns:app", "iat": now, "nbf": now, "exp": now + 600}
		if edit != nil {
			edit(m)
		}
		return m
	}
	cases := []struct {
		name     string
		token    string
		audience string
		edit     func(url.Values)
		status   int
		code     string
		desc     string
	}{
		{name: "valid", token: c.Token(t, "ns", "app"), status: 200},
		{name: "aud as a string", token: c.SignedToken(t, claims(func(m map[string]any) { m["aud"] = c.TokenAudience })), status: 200},
		{name: "id_token type", token: c.Token(t, "ns", "app"), edit: func(f url.Values) { f.Set("subject_token_type", IDTokenType) }, status: 200},
		{name: "forged signature", token: c.Forged(t, claims(nil)), status: 400, code: "invalid_grant", desc: "signature"},
		{name: "another cluster's token", token: other.Token(t, "ns", "app"), status: 400, code: "invalid_grant", desc: "signature"},
		{name: "wrong issuer", token: c.SignedToken(t, claims(func(m map[string]any) { m["iss"] = "https://evil.example" })), status: 400, code: "invalid_grant", desc: "issuer"},
		{name: "wrong audience", token: c.SignedToken(t, claims(func(m map[string]any) { m["aud"] = []string{"https://kubernetes.default.svc"} })), status: 400, code: "invalid_grant", desc: "audience"},
		{name: "expired", token: c.SignedToken(t, claims(func(m map[string]any) { m["iat"], m["nbf"], m["exp"] = now-1200, now-1200, now-600 })), status: 400, code: "invalid_grant", desc: "expired"},
		{name: "no exp", token: c.SignedToken(t, claims(func(m map[string]any) { delete(m, "exp") })), status: 400, code: "invalid_grant", desc: "expired"},
		{name: "not yet valid", token: c.SignedToken(t, claims(func(m map[string]any) { m["nbf"] = now + 600 })), status: 400, code: "invalid_grant", desc: "not yet valid"},
		{name: "no subject", token: c.SignedToken(t, claims(func(m map[string]any) { delete(m, "sub") })), status: 400, code: "invalid_grant", desc: "subject"},
		{name: "not a JWT", token: "opaque-token", status: 400, code: "invalid_grant", desc: "not a JWT"},
		{name: "unknown provider", token: c.Token(t, "ns", "app"), audience: c.Provider + "x", status: 400, code: "invalid_target"},
		{name: "another provider", token: c.Token(t, "ns", "app"), audience: other.Provider, status: 400, code: "invalid_grant", desc: "signature"},
		{name: "wrong grant", token: c.Token(t, "ns", "app"), edit: func(f url.Values) { f.Set("grant_type", "client_credentials") }, status: 400, code: "unsupported_grant_type"},
		{name: "wrong requested type", token: c.Token(t, "ns", "app"), edit: func(f url.Values) { f.Set("requested_token_type", JWTTokenType) }, status: 400, code: "invalid_request"},
		{name: "wrong subject type", token: c.Token(t, "ns", "app"), edit: func(f url.Values) { f.Set("subject_token_type", AccessTokenType) }, status: 400, code: "invalid_request"},
		{name: "foreign scope", token: c.Token(t, "ns", "app"), edit: func(f url.Values) { f.Set("scope", "https://evil.example/all") }, status: 400, code: "invalid_scope"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			aud := tc.audience
			if aud == "" {
				aud = c.Provider
			}
			f := url.Values{"grant_type": {TokenExchangeGrant}, "audience": {aud}, "scope": {CloudPlatformScope},
				"requested_token_type": {AccessTokenType}, "subject_token": {tc.token}, "subject_token_type": {JWTTokenType}}
			if tc.edit != nil {
				tc.edit(f)
			}
			status, body := postForm(t, s.STSURL(), f)
			require.Equal(t, tc.status, status, "answer %v", body)
			if tc.status != 200 {
				assert.Equal(t, tc.code, body["error"], "answer %v", body)
				desc, _ := body["error_description"].(string)
				assert.Contains(t, desc, tc.desc, "answer %v", body)
				return
			}
			iss, ok := s.Lookup(body["access_token"].(string))
			require.True(t, ok, "the token issued is not known: %v", body)
			assert.Equal(t, c.Principal("ns", "app"), iss.Principal)
			assert.Equal(t, "sts", iss.Via)
		})
	}
}

// TestIAMChecksNameAndScope: generateAccessToken refuses a malformed
// account and foreign scopes even for a granted caller.
func TestIAMChecksNameAndScope(t *testing.T) {
	s := NewServer(t)
	c := s.NewCluster(t, "cluster")
	_, body := postForm(t, s.STSURL(), url.Values{"grant_type": {TokenExchangeGrant}, "audience": {c.Provider}, "scope": {CloudPlatformScope},
		"requested_token_type": {AccessTokenType}, "subject_token": {c.Token(t, "ns", "app")}, "subject_token_type": {JWTTokenType}})
	tok, _ := body["access_token"].(string)
	require.NotEmpty(t, tok, "STS answered %v", body)
	const target = "puller@p.iam.gserviceaccount.com"
	s.AllowImpersonation(c.Principal("ns", "app"), target)
	call := func(account, scope string) int {
		req, err := http.NewRequest(http.MethodPost, s.ImpersonationURL(account), strings.NewReader(`{"scope": ["`+scope+`"]}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, 200, call(target, CloudPlatformScope), "granted")
	assert.Equal(t, 400, call("puller", CloudPlatformScope), "not an e-mail")
	assert.Equal(t, 400, call("puller@example.com", CloudPlatformScope), "not a service account")
	assert.Equal(t, 400, call(target, "https://evil.example/all"), "foreign scope")
	assert.Equal(t, 403, call("other@p.iam.gserviceaccount.com", CloudPlatformScope), "not granted")
}
