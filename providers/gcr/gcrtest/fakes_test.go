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
			if status != tc.status || (tc.code != "" && body["error"] != tc.code) {
				t.Fatalf("answer %d %v; want %d %s", status, body, tc.status, tc.code)
			}
			if desc, _ := body["error_description"].(string); !strings.Contains(desc, tc.desc) {
				t.Errorf("description %q lacks %q", desc, tc.desc)
			}
			if status == 200 {
				iss, ok := s.Lookup(body["access_token"].(string))
				if !ok || iss.Principal != sa.Email || body["expires_in"] != float64(3599) {
					t.Errorf("issued %+v (known %v), answer %v", iss, ok, body)
				}
			}
		})
	}
	t.Run("not a form", func(t *testing.T) {
		resp, err := http.Post(s.TokenURL(), "application/json", strings.NewReader(`{}`))
		require.NoError(t, err)
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("status %d, want 400", resp.StatusCode)
		}
	})
}

func TestRefreshGrant(t *testing.T) {
	s := NewServer(t)
	u := s.NewUser("dev@example.com")
	form := url.Values{"grant_type": {RefreshTokenGrant}, "refresh_token": {u.RefreshToken}, "client_id": {u.ClientID}, "client_secret": {u.ClientSecret}}
	if status, body := postForm(t, s.TokenURL(), form); status != 200 || body["access_token"] == nil {
		t.Fatalf("answer %d %v", status, body)
	}
	form.Set("client_secret", "wrong")
	if status, body := postForm(t, s.TokenURL(), form); status != 401 || body["error"] != "invalid_client" {
		t.Errorf("wrong secret: %d %v", status, body)
	}
	form.Set("client_secret", u.ClientSecret)
	u.Revoke()
	if status, body := postForm(t, s.TokenURL(), form); status != 400 || body["error_description"] != "Token has been expired or revoked." {
		t.Errorf("revoked: %d %v", status, body)
	}
}

func TestSTSChecksTheSubjectToken(t *testing.T) {
	s := NewServer(t)
	e := s.NewExternalAccount(t, t.TempDir(), "ci")
	form := func(token string) url.Values {
		return url.Values{"grant_type": {TokenExchangeGrant}, "audience": {e.Audience}, "scope": {CloudPlatformScope},
			"requested_token_type": {AccessTokenType}, "subject_token": {token}, "subject_token_type": {JWTTokenType}}
	}
	if status, body := postForm(t, s.STSURL(), form(e.SubjectToken)); status != 200 || body["issued_token_type"] != AccessTokenType {
		t.Fatalf("answer %d %v", status, body)
	}
	if status, body := postForm(t, s.STSURL(), form("forged")); status != 400 || body["error"] != "invalid_grant" {
		t.Errorf("forged subject token: %d %v", status, body)
	}
	f := form(e.SubjectToken)
	f.Set("audience", "//iam.googleapis.com/other")
	if status, body := postForm(t, s.STSURL(), f); status != 400 || body["error"] != "invalid_target" {
		t.Errorf("unknown audience: %d %v", status, body)
	}
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
	if got := call("", body); got != 401 {
		t.Errorf("no bearer: %d, want 401", got)
	}
	if got := call("ya29.forged", body); got != 401 {
		t.Errorf("unknown bearer: %d, want 401", got)
	}
	if got := call(tok, body); got != 403 {
		t.Errorf("no grant: %d, want 403", got)
	}
	s.AllowImpersonation(md.Email, "target@p.iam.gserviceaccount.com")
	if got := call(tok, `{"scope": []}`); got != 400 {
		t.Errorf("no scopes: %d, want 400", got)
	}
	if got := call(tok, body); got != 200 {
		t.Errorf("granted: %d, want 200", got)
	}
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
	if r := get(nil); r.StatusCode != 403 {
		t.Errorf("no Metadata-Flavor: %d, want 403", r.StatusCode)
	}
	if r := get(map[string]string{"Metadata-Flavor": "Google", "X-Forwarded-For": "10.0.0.1"}); r.StatusCode != 403 {
		t.Errorf("proxied: %d, want 403", r.StatusCode)
	}
	if md.TokenRequests() != 0 {
		t.Errorf("refused requests counted as token requests")
	}
	r := get(map[string]string{"Metadata-Flavor": "Google"})
	if r.StatusCode != 200 || r.Header.Get("Metadata-Flavor") != "Google" {
		t.Errorf("good request: %d, flavor %q", r.StatusCode, r.Header.Get("Metadata-Flavor"))
	}
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
	if err := json.Unmarshal(b, &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("metadata answered %s", b)
	}
	return tok.AccessToken
}
