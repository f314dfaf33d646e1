package gcrtest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// assertion signs a JWT-bearer assertion by hand, so these tests do not
// lean on the library whose flow the fake is meant to check.
func assertion(t *testing.T, key *rsa.PrivateKey, hdr map[string]string, claims map[string]any) string {
	t.Helper()
	seg := func(v any) string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signed := seg(hdr) + "." + seg(claims)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	require.NoError(t, err)
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func postForm(t *testing.T, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(u, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body), "answer is not JSON")
	return resp.StatusCode, body
}

func TestTokenEndpointChecksTheAssertion(t *testing.T) {
	s := NewServer(t)
	sa := s.NewServiceAccount(t, "a@p.iam.gserviceaccount.com")
	now := time.Now().Unix()
	good := func() (map[string]string, map[string]any) {
		return map[string]string{"alg": "RS256", "typ": "JWT", "kid": sa.KeyID},
			map[string]any{"iss": sa.Email, "aud": s.TokenURL(), "scope": CloudPlatformScope, "iat": now, "exp": now + 3600}
	}
	cases := []struct {
		name   string
		spoil  func(h map[string]string, c map[string]any) *rsa.PrivateKey
		grant  string
		status int
		code   string
		desc   string
	}{
		{"valid", func(map[string]string, map[string]any) *rsa.PrivateKey { return sa.Key }, JWTBearerGrant, 200, "", ""},
		{"valid without kid", func(h map[string]string, _ map[string]any) *rsa.PrivateKey { delete(h, "kid"); return sa.Key }, JWTBearerGrant, 200, "", ""},
		{"other key", func(map[string]string, map[string]any) *rsa.PrivateKey { return newKey(t) }, JWTBearerGrant, 400, "invalid_grant", "Invalid JWT Signature."},
		{"unknown kid", func(h map[string]string, _ map[string]any) *rsa.PrivateKey { h["kid"] = "nope"; return sa.Key }, JWTBearerGrant, 400, "invalid_grant", "Invalid JWT Signature."},
		{"alg none", func(h map[string]string, _ map[string]any) *rsa.PrivateKey { h["alg"] = "none"; return sa.Key }, JWTBearerGrant, 400, "invalid_grant", "algorithm"},
		{"unknown issuer", func(_ map[string]string, c map[string]any) *rsa.PrivateKey {
			c["iss"] = "x@p.iam.gserviceaccount.com"
			return sa.Key
		}, JWTBearerGrant, 400, "invalid_grant", "account not found"},
		{"wrong audience", func(_ map[string]string, c map[string]any) *rsa.PrivateKey {
			c["aud"] = "https://oauth2.googleapis.com/token"
			return sa.Key
		}, JWTBearerGrant, 400, "invalid_grant", "audience"},
		{"expired", func(_ map[string]string, c map[string]any) *rsa.PrivateKey {
			c["iat"], c["exp"] = now-7200, now-3600
			return sa.Key
		}, JWTBearerGrant, 400, "invalid_grant", "reasonable timeframe"},
		{"too long-lived", func(_ map[string]string, c map[string]any) *rsa.PrivateKey { c["exp"] = now + 7200; return sa.Key }, JWTBearerGrant, 400, "invalid_grant", "60 minutes"},
		{"issued in the future", func(_ map[string]string, c map[string]any) *rsa.PrivateKey {
			c["iat"], c["exp"] = now+1800, now+3600
			return sa.Key
		}, JWTBearerGrant, 400, "invalid_grant", "reasonable timeframe"},
		{"no scope", func(_ map[string]string, c map[string]any) *rsa.PrivateKey { delete(c, "scope"); return sa.Key }, JWTBearerGrant, 400, "invalid_scope", ""},
		{"foreign scope", func(_ map[string]string, c map[string]any) *rsa.PrivateKey {
			c["scope"] = "https://evil.example/all"
			return sa.Key
		}, JWTBearerGrant, 400, "invalid_scope", ""},
		{"wrong grant type", func(map[string]string, map[string]any) *rsa.PrivateKey { return sa.Key }, "client_credentials", 400, "unsupported_grant_type", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, c := good()
			key := tc.spoil(h, c)
			status, body := postForm(t, s.TokenURL(), url.Values{"grant_type": {tc.grant}, "assertion": {assertion(t, key, h, c)}})
			require.Equal(t, tc.status, status, "answer %v", body)
			if tc.code != "" {
				require.Equal(t, tc.code, body["error"], "answer %v", body)
			}
			desc, _ := body["error_description"].(string)
			assert.Contains(t, desc, tc.desc)
			if status == 200 {
				iss, ok := s.Lookup(body["access_token"].(string))
				assert.True(t, ok, "the token issued is not known: %v", body)
				assert.Equal(t, sa.Email, iss.Principal)
				assert.Equal(t, float64(3599), body["expires_in"])
			}
		})
	}
	t.Run("not a form", func(t *testing.T) {
		resp, err := http.Post(s.TokenURL(), "application/json", strings.NewReader(`{}`))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 400, resp.StatusCode)
	})
}

func TestRefreshGrant(t *testing.T) {
	s := NewServer(t)
	u := s.NewUser("dev@example.com")
	form := url.Values{"grant_type": {RefreshTokenGrant}, "refresh_token": {u.RefreshToken}, "client_id": {u.ClientID}, "client_secret": {u.ClientSecret}}
	status, body := postForm(t, s.TokenURL(), form)
	require.Equal(t, 200, status, "answer %v", body)
	require.NotNil(t, body["access_token"], "answer %v", body)
	form.Set("client_secret", "wrong")
	status, body = postForm(t, s.TokenURL(), form)
	assert.Equal(t, 401, status, "wrong secret: %v", body)
	assert.Equal(t, "invalid_client", body["error"], "wrong secret")
	form.Set("client_secret", u.ClientSecret)
	u.Revoke()
	status, body = postForm(t, s.TokenURL(), form)
	assert.Equal(t, 400, status, "revoked: %v", body)
	assert.Equal(t, "Token has been expired or revoked.", body["error_description"], "revoked")
}

func TestSTSChecksTheSubjectToken(t *testing.T) {
	s := NewServer(t)
	e := s.NewExternalAccount(t, t.TempDir(), "ci")
	form := func(token string) url.Values {
		return url.Values{"grant_type": {TokenExchangeGrant}, "audience": {e.Audience}, "scope": {CloudPlatformScope},
			"requested_token_type": {AccessTokenType}, "subject_token": {token}, "subject_token_type": {JWTTokenType}}
	}
	status, body := postForm(t, s.STSURL(), form(e.SubjectToken))
	require.Equal(t, 200, status, "answer %v", body)
	require.Equal(t, AccessTokenType, body["issued_token_type"], "answer %v", body)
	status, body = postForm(t, s.STSURL(), form("forged"))
	assert.Equal(t, 400, status, "forged subject token: %v", body)
	assert.Equal(t, "invalid_grant", body["error"], "forged subject token")
	f := form(e.SubjectToken)
	f.Set("audience", "//iam.googleapis.com/other")
	status, body = postForm(t, s.STSURL(), f)
	assert.Equal(t, 400, status, "unknown audience: %v", body)
	assert.Equal(t, "invalid_target", body["error"], "unknown audience")
}

func TestIAMChecksTheCaller(t *testing.T) {
	s := NewServer(t)
	md := s.NewMetadata(t, "vm@p.iam.gserviceaccount.com")
	tok := metadataToken(t, md)
	call := func(bearer, body string) int {
		req, err := http.NewRequest(http.MethodPost, s.ImpersonationURL("target@p.iam.gserviceaccount.com"), strings.NewReader(body))
		require.NoError(t, err)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	body := `{"scope": ["` + CloudPlatformScope + `"], "lifetime": "3600s"}`
	assert.Equal(t, 401, call("", body), "no bearer")
	assert.Equal(t, 401, call("ya29.forged", body), "unknown bearer")
	assert.Equal(t, 403, call(tok, body), "no grant")
	s.AllowImpersonation(md.Email, "target@p.iam.gserviceaccount.com")
	assert.Equal(t, 400, call(tok, `{"scope": []}`), "no scopes")
	assert.Equal(t, 200, call(tok, body), "granted")
}

func TestMetadataIsStrict(t *testing.T) {
	s := NewServer(t)
	md := s.NewMetadata(t, "vm@p.iam.gserviceaccount.com")
	get := func(hdr map[string]string) *http.Response {
		req, err := http.NewRequest(http.MethodGet, "http://"+md.Host+metadataTokenPath, nil)
		require.NoError(t, err)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	assert.Equal(t, 403, get(nil).StatusCode, "no Metadata-Flavor")
	assert.Equal(t, 403, get(map[string]string{"Metadata-Flavor": "Google", "X-Forwarded-For": "10.0.0.1"}).StatusCode, "proxied")
	assert.Zero(t, md.TokenRequests(), "refused requests counted as token requests")
	r := get(map[string]string{"Metadata-Flavor": "Google"})
	assert.Equal(t, 200, r.StatusCode, "good request")
	assert.Equal(t, "Google", r.Header.Get("Metadata-Flavor"), "good request's flavor")
}

func metadataToken(t *testing.T, md *Metadata) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+md.Host+metadataTokenPath, nil)
	require.NoError(t, err)
	req.Header.Set("Metadata-Flavor", "Google")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.Unmarshal(b, &tok), "metadata answered %s", b)
	require.NotEmpty(t, tok.AccessToken, "metadata answered %s", b)
	return tok.AccessToken
}
