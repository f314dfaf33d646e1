package gcrtest

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// maxAssertionLife is Google's limit on exp - iat of a JWT-bearer assertion.
const maxAssertionLife = 3600

// assertionSkew is how far in the future an assertion's iat may lie.
const assertionSkew = 300

// grantError is an RFC 6749 error answer.
type grantError struct {
	status            int
	code, description string
}

func invalidGrant(description string) *grantError {
	return &grantError{http.StatusBadRequest, "invalid_grant", description}
}

// handleToken is oauth2.googleapis.com/token: the JWT-bearer grant of
// service-account keys and the refresh-token grant of gcloud's user
// credentials.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if !isForm(r) {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Expected a POST of an application/x-www-form-urlencoded body.")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Malformed form body.")
		return
	}
	switch grant := r.PostForm.Get("grant_type"); grant {
	case JWTBearerGrant:
		s.jwtBearer(w, r)
	case RefreshTokenGrant:
		s.refresh(w, r)
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "+grant)
	}
}

func (s *Server) jwtBearer(w http.ResponseWriter, r *http.Request) {
	c, gerr := s.verifyAssertion(r.PostForm.Get("assertion"))
	if gerr == nil {
		gerr = checkScopes(strings.Fields(c.Scope))
	}
	if gerr != nil {
		oauthError(w, gerr.status, gerr.code, gerr.description)
		return
	}
	writeToken(w, s.mint(c.Iss, strings.Fields(c.Scope), "jwt-bearer", 0), nil)
}

type jwtHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
	Kid string `json:"kid"`
}

type claimSet struct {
	Iss   string `json:"iss"`
	Scope string `json:"scope"`
	Aud   string `json:"aud"`
	Sub   string `json:"sub"`
	Iat   int64  `json:"iat"`
	Exp   int64  `json:"exp"`
}

// verifyAssertion checks a JWT-bearer assertion the way Google does: the
// RS256 signature against the issuer's registered public keys first, then
// the audience and the lifetime.
func (s *Server) verifyAssertion(assertion string) (claimSet, *grantError) {
	var hdr jwtHeader
	var c claimSet
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 || decodeSegment(parts[0], &hdr) != nil || decodeSegment(parts[1], &c) != nil {
		return c, invalidGrant("Invalid JWT: the assertion is not a signed JWT.")
	}
	if hdr.Alg != "RS256" {
		return c, invalidGrant("Invalid JWT: unsupported signing algorithm " + hdr.Alg + ".")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return c, invalidGrant("Invalid JWT Signature.")
	}
	s.mu.Lock()
	acct, now := s.accounts[c.Iss], s.now().Unix()
	var keys map[string]*rsa.PublicKey
	if acct != nil {
		keys = acct.keys
	}
	ok := verifyRS256(keys, hdr.Kid, parts[0]+"."+parts[1], sig)
	s.mu.Unlock()
	switch {
	case acct == nil:
		return c, invalidGrant("Invalid grant: account not found")
	case !ok:
		return c, invalidGrant("Invalid JWT Signature.")
	case c.Aud != s.TokenURL():
		return c, invalidGrant("Invalid JWT: Failed audience check. The right audience is " + s.TokenURL())
	case c.Exp <= c.Iat || c.Exp-c.Iat > maxAssertionLife || now < c.Iat-assertionSkew || now >= c.Exp:
		return c, invalidGrant("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.")
	}
	return c, nil
}

// verifyRS256 checks sig over signed with the key kid names, or with any
// of the keys when the header names none.
func verifyRS256(keys map[string]*rsa.PublicKey, kid, signed string, sig []byte) bool {
	sum := sha256.Sum256([]byte(signed))
	if kid != "" {
		k := keys[kid]
		return k != nil && rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) == nil
	}
	for _, k := range keys {
		if rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) == nil {
			return true
		}
	}
	return false
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// checkScopes accepts Google's OAuth scopes: full googleapis.com URLs or
// the OpenID short names.
func checkScopes(scopes []string) *grantError {
	if len(scopes) == 0 {
		return &grantError{http.StatusBadRequest, "invalid_scope", "Invalid OAuth scope or ID token audience provided."}
	}
	for _, sc := range scopes {
		if !strings.HasPrefix(sc, "https://www.googleapis.com/auth/") && sc != "openid" && sc != "email" && sc != "profile" {
			return &grantError{http.StatusBadRequest, "invalid_scope", "Invalid OAuth scope or ID token audience provided."}
		}
	}
	return nil
}

// clock is the server clock, for flows that compare times.
func (s *Server) clock() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}
