package dockerhubtest

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/regcred/regcred/internal/oidctest"
)

// Connection is an organisation's OIDC connection: the issuer it trusts
// and the subject it requires.
type Connection struct{ Issuer, Subject string }

// Server is the fake identity service. Its URL is the audience the
// identity tokens must carry.
type Server struct {
	URL string

	mu          sync.Mutex
	connections map[string]Connection
	issued      []string
}

// New starts the fake, stopped with the test.
func New(t testing.TB) *Server {
	s := &Server{connections: map[string]Connection{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", s.token)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// AddConnection adds the connection id.
func (s *Server) AddConnection(id string, c Connection) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.connections[id] = c
}

// Issued returns the access tokens issued so far.
func (s *Server) Issued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.ParseForm() != nil {
		fail(w, http.StatusBadRequest, "invalid_request", "form-encoded body required")
		return
	}
	f := r.PostForm
	if f.Get("grant_type") != "urn:ietf:params:oauth:grant-type:token-exchange" || f.Get("subject_token_type") != "urn:ietf:params:oauth:token-type:id_token" {
		fail(w, http.StatusBadRequest, "unsupported_grant_type", "token exchange of an id_token required")
		return
	}
	n, err := strconv.Atoi(f.Get("expires_in"))
	if err != nil || n < 300 || n > 3600 {
		fail(w, http.StatusBadRequest, "invalid_request", "expires_in must be between 300 and 3600")
		return
	}
	s.mu.Lock()
	c, ok := s.connections[f.Get("connection_id")]
	s.mu.Unlock()
	if !ok {
		fail(w, http.StatusBadRequest, "invalid_request", "unknown connection")
		return
	}
	claims, err := oidctest.Verifier{Issuer: c.Issuer, Audience: s.URL}.Verify(r.Context(), f.Get("subject_token"))
	switch {
	case err != nil:
		fail(w, http.StatusUnauthorized, "invalid_token", err.Error())
		return
	case claims.Subject != c.Subject:
		fail(w, http.StatusUnauthorized, "invalid_token", "subject not allowed by the connection")
		return
	}
	at := "dckr_oat_" + rand.Text()
	s.mu.Lock()
	s.issued = append(s.issued, at)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": n})
}

func fail(w http.ResponseWriter, code int, short, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": short, "error_description": msg})
}
