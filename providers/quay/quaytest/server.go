package quaytest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/regcred/regcred/internal/oidctest"
)

// Federation is one entry of a robot's federation: an issuer and the
// subject it must name.
type Federation struct{ Issuer, Subject string }

// Server is the fake Quay.
type Server struct {
	URL string
	// Now is Quay's clock (time.Now when nil).
	Now func() time.Time

	mu     sync.Mutex
	robots map[string][]Federation
	issued []string
}

// New starts the fake, stopped with the test.
func New(t testing.TB) *Server {
	s := &Server{robots: map[string][]Federation{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth2/federation/robot/token", s.token)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// AddRobot creates robot (org+name) federated with the given entries.
func (s *Server) AddRobot(robot string, fed ...Federation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.robots[robot] = fed
}

// Issued returns the robot tokens issued so far.
func (s *Server) Issued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	robot, jwt, ok := r.BasicAuth()
	s.mu.Lock()
	feds, known := s.robots[robot]
	s.mu.Unlock()
	if !ok || !known {
		fail(w, http.StatusUnauthorized, "Could not find robot with specified username")
		return
	}
	var claims oidctest.Claims
	var err error
	for _, f := range feds {
		claims, err = oidctest.Verifier{Issuer: f.Issuer, Now: s.Now}.Verify(r.Context(), jwt)
		if err == nil && claims.Subject == f.Subject {
			s.issue(w, robot)
			return
		}
	}
	switch {
	case len(feds) == 0:
		fail(w, http.StatusUnauthorized, "Robot has no federation configured")
	case err != nil:
		fail(w, http.StatusUnauthorized, "Could not verify token: "+err.Error())
	default:
		fail(w, http.StatusUnauthorized, "Token subject does not match the robot's federation configuration")
	}
}

// issue answers a robot token: a JWT-shaped, unsigned-looking token with
// Quay's hour of validity in exp (clients read exp, never the signature).
func (s *Server) issue(w http.ResponseWriter, robot string) {
	enc := base64.RawURLEncoding
	claims, _ := json.Marshal(map[string]any{"iss": "quay", "sub": robot, "exp": s.now().Add(time.Hour).Unix()})
	tok := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString([]byte(rand.Text()+rand.Text()))
	s.mu.Lock()
	s.issued = append(s.issued, tok)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"token": tok})
}

func fail(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
