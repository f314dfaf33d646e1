package gcrtest

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// ExternalAccount is a workload identity federation setup: a pool provider
// (the STS audience) and a subject token an outside identity provider
// issued, kept in a file as the credential source.
type ExternalAccount struct {
	Audience         string
	SubjectToken     string
	SubjectTokenFile string
	// Principal is the federated identity STS tokens stand for.
	Principal string
	server    *Server
}

// NewExternalAccount registers a pool provider and writes a fresh subject
// token to dir.
func (s *Server) NewExternalAccount(t testing.TB, dir, subject string) *ExternalAccount {
	t.Helper()
	pool := "//iam.googleapis.com/projects/" + randomDigits(12) + "/locations/global/workloadIdentityPools/ci/providers/fake"
	e := &ExternalAccount{
		Audience:     pool,
		SubjectToken: "eyJhbGciOiJSUzI1NiJ9.fake." + randomHex(16),
		Principal:    "principal:" + strings.TrimSuffix(pool, "/providers/fake") + "/subject/" + subject,
		server:       s,
	}
	e.SubjectTokenFile = WriteFile(t, filepath.Join(dir, "subject-token"), []byte(e.SubjectToken))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pools[e.Audience] = e
	return e
}

// ConfigJSON is the external_account credential configuration `gcloud iam
// workload-identity-pools create-cred-config` writes. With impersonate set,
// the STS token is exchanged for that service account's token.
func (e *ExternalAccount) ConfigJSON(impersonate string) []byte {
	cfg := map[string]any{
		"type":               "external_account",
		"audience":           e.Audience,
		"subject_token_type": JWTTokenType,
		"token_url":          e.server.STSURL(),
		"credential_source":  map[string]any{"file": e.SubjectTokenFile},
		"universe_domain":    "googleapis.com",
	}
	if impersonate != "" {
		cfg["service_account_impersonation_url"] = e.server.ImpersonationURL(impersonate)
	}
	return mustJSON(cfg)
}

// handleSTS is sts.googleapis.com/v1/token: RFC 8693 token exchange of an
// outside subject token for a federated access token.
func (s *Server) handleSTS(w http.ResponseWriter, r *http.Request) {
	if !isForm(r) || r.ParseForm() != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "Expected a POST of an application/x-www-form-urlencoded body.")
		return
	}
	f := r.PostForm
	s.mu.Lock()
	e, p := s.pools[f.Get("audience")], s.providers[f.Get("audience")]
	s.mu.Unlock()
	if p != nil {
		s.oidcExchange(w, f, p)
		return
	}
	switch {
	case f.Get("grant_type") != TokenExchangeGrant:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type.")
	case f.Get("requested_token_type") != AccessTokenType:
		oauthError(w, http.StatusBadRequest, "invalid_request", "Invalid requested_token_type.")
	case e == nil:
		oauthError(w, http.StatusBadRequest, "invalid_target", "The target service indicated by the \"audience\" parameters is invalid.")
	case f.Get("subject_token_type") != JWTTokenType || f.Get("subject_token") != e.SubjectToken:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "The subject token is invalid or expired.")
	default:
		scopes := strings.Fields(f.Get("scope"))
		if gerr := checkScopes(scopes); gerr != nil {
			oauthError(w, gerr.status, gerr.code, gerr.description)
			return
		}
		writeToken(w, s.mint(e.Principal, scopes, "sts", 0), map[string]any{"issued_token_type": AccessTokenType})
	}
}

// oidcExchange is the token exchange at a pool provider that trusts an
// OIDC issuer (a cluster's, a CI's): the subject token is verified as an
// OIDC token.
func (s *Server) oidcExchange(w http.ResponseWriter, f url.Values, p *PoolProvider) {
	switch {
	case f.Get("grant_type") != TokenExchangeGrant:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type.")
		return
	case f.Get("requested_token_type") != AccessTokenType:
		oauthError(w, http.StatusBadRequest, "invalid_request", "Invalid requested_token_type.")
		return
	case f.Get("subject_token_type") != JWTTokenType && f.Get("subject_token_type") != IDTokenType:
		oauthError(w, http.StatusBadRequest, "invalid_request", "Invalid subject_token_type.")
		return
	}
	principal, code, problem := p.verify(f.Get("subject_token"), s.clock())
	if problem != "" {
		oauthError(w, http.StatusBadRequest, code, problem)
		return
	}
	scopes := strings.Fields(f.Get("scope"))
	if gerr := checkScopes(scopes); gerr != nil {
		oauthError(w, gerr.status, gerr.code, gerr.description)
		return
	}
	writeToken(w, s.mint(principal, scopes, "sts", 0), map[string]any{"issued_token_type": AccessTokenType})
}
