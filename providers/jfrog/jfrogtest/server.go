package jfrogtest

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/regcred/regcred/internal/oidctest"
)

// Integration is an OIDC integration (Administration › Manage
// Integrations): the issuer it trusts, the audience it requires (empty:
// any) and its identity mappings.
type Integration struct {
	Issuer   string
	Audience string
	Mappings []Mapping
}

// Mapping maps tokens whose sub is Subject to the user Username, scoped to
// ProjectKey when set (a request must then name that project).
type Mapping struct {
	Name, Subject, Username, ProjectKey string
}

// Server is the fake platform.
type Server struct {
	URL string
	// Now is the platform's clock (time.Now when nil).
	Now func() time.Time
	// OnIssue, when set, is told every access token issued.
	OnIssue func(username, accessToken string)

	mu           sync.Mutex
	integrations map[string]Integration
	issued       []string
	exchanges    int
}

// New starts the fake, stopped with the test.
func New(t testing.TB) *Server {
	s := &Server{integrations: map[string]Integration{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /access/api/v1/oidc/token", s.token)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// AddIntegration adds (or replaces) the integration name.
func (s *Server) AddIntegration(name string, in Integration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.integrations[name] = in
}

// Issued returns the access tokens issued so far.
func (s *Server) Issued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// Exchanges counts the exchanges that issued a token.
func (s *Server) Exchanges() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exchanges
}

type request struct {
	GrantType        string `json:"grant_type"`
	SubjectTokenType string `json:"subject_token_type"`
	SubjectToken     string `json:"subject_token"`
	ProviderName     string `json:"provider_name"`
	ProjectKey       string `json:"project_key"`
	IdentityMapping  string `json:"identity_mapping_name"`
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	var req request
	d := json.NewDecoder(r.Body)
	d.DisallowUnknownFields()
	if r.Header.Get("Content-Type") != "application/json" || d.Decode(&req) != nil {
		fail(w, http.StatusBadRequest, "BAD_REQUEST", "request body must be a JSON token exchange request")
		return
	}
	if req.GrantType != "urn:ietf:params:oauth:grant-type:token-exchange" || req.SubjectTokenType != "urn:ietf:params:oauth:token-type:id_token" {
		fail(w, http.StatusBadRequest, "BAD_REQUEST", "unsupported grant_type or subject_token_type")
		return
	}
	s.mu.Lock()
	in, ok := s.integrations[req.ProviderName]
	s.mu.Unlock()
	if !ok {
		fail(w, http.StatusBadRequest, "BAD_REQUEST", "OIDC provider '"+req.ProviderName+"' not found")
		return
	}
	claims, err := oidctest.Verifier{Issuer: in.Issuer, Audience: in.Audience, Now: s.Now}.Verify(r.Context(), req.SubjectToken)
	if err != nil {
		fail(w, http.StatusUnauthorized, "UNAUTHORIZED", "Failed to validate the OIDC token: "+reason(err))
		return
	}
	m, ok := match(in, req, claims.Subject)
	if !ok {
		fail(w, http.StatusUnauthorized, "UNAUTHORIZED", "No identity mapping matched the token's claims")
		return
	}
	if m.ProjectKey != "" && m.ProjectKey != req.ProjectKey {
		fail(w, http.StatusForbidden, "FORBIDDEN", "identity mapping '"+m.Name+"' is scoped to another project")
		return
	}
	at := "jfrog-at-" + rand.Text() + rand.Text()
	s.mu.Lock()
	s.issued = append(s.issued, at)
	s.exchanges++
	onIssue := s.OnIssue
	s.mu.Unlock()
	if onIssue != nil {
		onIssue(m.Username, at)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"token_id": rand.Text(), "access_token": at, "expires_in": 3600, "scope": "applied-permissions/user",
		"token_type": "Bearer", "username": m.Username, "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
	})
}

func match(in Integration, req request, sub string) (Mapping, bool) {
	for _, m := range in.Mappings {
		if req.IdentityMapping != "" && m.Name != req.IdentityMapping {
			continue
		}
		if m.Subject == sub {
			return m, true
		}
	}
	return Mapping{}, false
}

func reason(err error) string {
	for _, e := range []error{oidctest.ErrAudience, oidctest.ErrExpired, oidctest.ErrSignature, oidctest.ErrIssuer} {
		if errors.Is(err, e) {
			return e.Error()
		}
	}
	return "malformed token"
}

func fail(w http.ResponseWriter, code int, short, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"code": short, "message": msg}}})
}
