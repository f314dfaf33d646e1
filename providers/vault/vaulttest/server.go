package vaulttest

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Server is a fake Vault. Configure it through Root and Namespace; every
// method is safe for concurrent use.
type Server struct {
	// URL is the server's address, e.g. "http://127.0.0.1:41234".
	URL string

	t   testing.TB
	srv *httptest.Server
	tls *CA

	mu         sync.Mutex
	now        func() time.Time
	sealed     bool
	standby    int
	hang       bool
	namespaces map[string]*Namespace
	requests   []Request
}

// Request is what the server saw of one request.
type Request struct {
	Method    string
	Path      string // below /v1/
	Namespace string
	HasToken  bool
}

// Option configures New.
type Option func(*Server)

// WithClock makes the server read time (token expiry, JWT and SigV4
// dates, certificate validity) from now.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithTLS serves HTTPS with a certificate ca issues for the name
// "vault.test" only (so clients must set the TLS server name), and asks
// clients for a certificate (as Vault does, for cert logins) without
// requiring one.
func WithTLS(ca *CA) Option { return func(s *Server) { s.tls = ca } }

// New starts a fake Vault on 127.0.0.1 and stops it when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{t: t, now: time.Now, namespaces: map[string]*Namespace{}}
	for _, o := range opts {
		o(s)
	}
	s.namespaces[""] = newNamespace(s, "")
	s.srv = httptest.NewUnstartedServer(s)
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // TLS tests provoke handshake errors
	if s.tls != nil {
		pair := s.tls.Issue(t, Leaf{CommonName: "vault.test", DNSNames: []string{"vault.test"}, Server: true})
		cert, err := tls.X509KeyPair(pair.CertPEM, pair.KeyPEM)
		require.NoError(t, err, "vaulttest: server certificate")
		s.srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequestClientCert, MinVersion: tls.VersionTLS12}
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// Close stops the server now (to test an unreachable Vault).
func (s *Server) Close() { s.srv.Close() }

// Root is the root namespace.
func (s *Server) Root() *Namespace { return s.Namespace("") }

// Namespace returns the namespace at path ("team-a", "org/team-b"),
// creating it when needed.
func (s *Server) Namespace(path string) *Namespace {
	s.mu.Lock()
	defer s.mu.Unlock()
	path = strings.Trim(path, "/")
	if s.namespaces[path] == nil {
		s.namespaces[path] = newNamespace(s, path)
	}
	return s.namespaces[path]
}

// Seal makes every request answer 503 "Vault is sealed", as a sealed
// server does; Unseal undoes it.
func (s *Server) Seal()   { s.set(func() { s.sealed = true }) }
func (s *Server) Unseal() { s.set(func() { s.sealed = false }) }

// Standby makes every request answer status (429, 472 or 473), as a
// standby, DR secondary or performance standby node does; 0 clears it.
func (s *Server) Standby(status int) { s.set(func() { s.standby = status }) }

// Hang makes requests wait until the client gives up.
func (s *Server) Hang(on bool) { s.set(func() { s.hang = on }) }

func (s *Server) set(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// Requests returns the requests seen so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Count returns how many requests had this method and path.
func (s *Server) Count(method, path string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

// answer is a status and a JSON body.
type answer struct {
	status int
	body   any
}

// errs is Vault's error body.
func errs(status int, msgs ...string) answer {
	if msgs == nil {
		msgs = []string{}
	}
	return answer{status, map[string]any{"errors": msgs}}
}

// permissionDenied is how Vault words an ACL refusal (a multierror).
func permissionDenied() answer {
	return errs(http.StatusForbidden, "1 error occurred:\n\t* permission denied\n\n")
}

// success wraps data in Vault's response envelope.
func success(data any, lease int64, auth any) answer {
	return answer{http.StatusOK, map[string]any{
		"request_id": randomID(""), "lease_id": "", "renewable": false, "lease_duration": lease,
		"data": data, "wrap_info": nil, "warnings": nil, "auth": auth,
	}}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	path, found := strings.CutPrefix(r.URL.Path, "/v1/")
	ns := strings.Trim(r.Header.Get("X-Vault-Namespace"), "/")
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: path, Namespace: ns, HasToken: r.Header.Get("X-Vault-Token") != ""})
	hang := s.hang
	s.mu.Unlock()
	if hang {
		<-r.Context().Done()
		return
	}
	a := errs(http.StatusNotFound)
	if found {
		s.mu.Lock()
		a = s.route(r, ns, path, body)
		s.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(a.status)
	_ = json.NewEncoder(w).Encode(a.body)
}

// route answers one request; s.mu is held.
func (s *Server) route(r *http.Request, ns, path string, body []byte) answer {
	switch {
	case s.sealed:
		return errs(http.StatusServiceUnavailable, "Vault is sealed")
	case s.standby != 0:
		return errs(s.standby, fmt.Sprintf("node is not active (%d)", s.standby))
	}
	n := s.namespaces[ns]
	if n == nil {
		return errs(http.StatusNotFound, "namespace not found")
	}
	if mount, ok := loginMount(path); ok && (r.Method == http.MethodPost || r.Method == http.MethodPut) {
		return n.login(r, mount, body)
	}
	tok, denied := n.authenticate(r.Header.Get("X-Vault-Token"))
	if denied != nil {
		return *denied
	}
	if p, ok := strings.CutPrefix(path, "sys/internal/ui/mounts/"); ok && r.Method == http.MethodGet {
		return n.uiMount(tok, p)
	}
	if !n.allowed(tok, capability(r.Method), path) {
		return permissionDenied()
	}
	if a, ok := n.self(r, path, tok); ok {
		return a
	}
	m, rel := n.mountFor(path)
	if m == nil {
		return errs(http.StatusNotFound, fmt.Sprintf("no handler for route %q. route entry not found.", path))
	}
	return m.serve(r, rel, body)
}

// loginMount returns the auth mount of an auth/<mount>/login path.
func loginMount(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "auth/")
	if !ok {
		return "", false
	}
	return strings.CutSuffix(rest, "/login")
}

// capability maps an HTTP method to the ACL capability Vault checks.
func capability(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead:
		return "read"
	case http.MethodDelete:
		return "delete"
	case "LIST":
		return "list"
	default:
		return "update"
	}
}

func randomID(prefix string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}
