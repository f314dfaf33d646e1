package gcrtest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"
)

// Scopes, grant types and token types of the OAuth 2.0 and STS protocols.
const (
	CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"
	JWTBearerGrant     = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	RefreshTokenGrant  = "refresh_token"
	TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange"
	AccessTokenType    = "urn:ietf:params:oauth:token-type:access_token"
	JWTTokenType       = "urn:ietf:params:oauth:token-type:jwt"
	IDTokenType        = "urn:ietf:params:oauth:token-type:id_token"
)

// Issued is what the fakes remember about an access token they issued.
type Issued struct {
	// Principal is the service account e-mail, user e-mail or workload
	// identity the token stands for.
	Principal string
	Scopes    []string
	Expiry    time.Time
	// Via names the flow that issued it: "jwt-bearer", "refresh_token",
	// "sts", "iam" or "metadata".
	Via string
}

// Server fakes Google's OAuth 2.0 token endpoint, the Security Token Service
// and the IAM Credentials API on one 127.0.0.1 listener.
type Server struct {
	// URL is the base URL, http://127.0.0.1:<port>.
	URL string

	mu            sync.Mutex
	now           func() time.Time
	expiresIn     int64
	omitExpiresIn bool
	outage        int
	accounts      map[string]*account
	users         map[string]*User
	pools         map[string]*ExternalAccount
	providers     map[string]*PoolProvider
	impersonators map[string]map[string]bool
	tokens        map[string]Issued
	requests      map[string]int
}

// NewServer starts the fake on 127.0.0.1; the test's cleanup closes it.
// Tokens it issues live an hour, like Google's.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		now:           time.Now,
		expiresIn:     3599,
		accounts:      map[string]*account{},
		users:         map[string]*User{},
		pools:         map[string]*ExternalAccount{},
		providers:     map[string]*PoolProvider{},
		impersonators: map[string]map[string]bool{},
		tokens:        map[string]Issued{},
		requests:      map[string]int{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/token", s.outageOr("token", s.handleToken))
	mux.HandleFunc("/v1/token", s.outageOr("sts", s.handleSTS))
	mux.HandleFunc("/v1/projects/-/serviceAccounts/", s.outageOr("iam", s.handleIAM))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// TokenURL is the OAuth 2.0 token endpoint, the `token_uri` of key files
// and the audience a JWT-bearer assertion must name.
func (s *Server) TokenURL() string { return s.URL + "/token" }

// STSURL is the Security Token Service endpoint (`token_url` of an
// external_account file).
func (s *Server) STSURL() string { return s.URL + "/v1/token" }

// IAMCredentialsURL is the base URL of the IAM Credentials API, standing in
// for https://iamcredentials.googleapis.com.
func (s *Server) IAMCredentialsURL() string { return s.URL }

// ImpersonationURL is the generateAccessToken URL for a service account.
func (s *Server) ImpersonationURL(email string) string {
	return s.URL + "/v1/projects/-/serviceAccounts/" + email + ":generateAccessToken"
}

// SetClock sets the server's clock, to play a machine whose clock is off.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// SetExpiresIn sets the `expires_in` the fakes answer (seconds); zero or
// negative plays an endpoint that hands out dead tokens.
func (s *Server) SetExpiresIn(seconds int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expiresIn, s.omitExpiresIn = seconds, false
}

// OmitExpiresIn makes token answers leave `expires_in` out.
func (s *Server) OmitExpiresIn() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.omitExpiresIn = true
}

// SetOutage makes every endpoint of the server answer status (503, say)
// with a Google-style error; 0 ends the outage.
func (s *Server) SetOutage(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outage = status
}

// Requests counts the requests an endpoint received: "token", "sts" or
// "iam".
func (s *Server) Requests(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[endpoint]
}

// Lookup reports what the fakes know about an access token they issued.
func (s *Server) Lookup(token string) (Issued, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	iss, ok := s.tokens[token]
	iss.Scopes = slices.Clone(iss.Scopes)
	return iss, ok
}

// IssuedTokens lists every access token the fakes issued, so a test can
// check that none of them leaked into an error or a log.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	toks := make([]string, 0, len(s.tokens))
	for t := range s.tokens {
		toks = append(toks, t)
	}
	return toks
}

func (s *Server) outageOr(endpoint string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests[endpoint]++
		outage := s.outage
		s.mu.Unlock()
		if outage != 0 {
			googleAPIError(w, outage, "UNAVAILABLE", "The service is currently unavailable.")
			return
		}
		h(w, r)
	}
}

// tokenAnswer is an issued token in the shape every flow answers it.
type tokenAnswer struct {
	token     string
	expiresIn int64
	omit      bool
	expiry    time.Time
}

// mint issues a random access token and remembers it. lifetime overrides
// the server's expires_in when positive (IAM's `lifetime`).
func (s *Server) mint(principal string, scopes []string, via string, lifetime int64) tokenAnswer {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	tok := "ya29.fake." + base64.RawURLEncoding.EncodeToString(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	exp := s.expiresIn
	if lifetime > 0 {
		exp = lifetime
	}
	expiry := s.now().Add(time.Duration(exp) * time.Second)
	s.tokens[tok] = Issued{Principal: principal, Scopes: slices.Clone(scopes), Expiry: expiry, Via: via}
	return tokenAnswer{token: tok, expiresIn: exp, omit: s.omitExpiresIn, expiry: expiry}
}

// writeToken answers the OAuth 2.0 token response.
func writeToken(w http.ResponseWriter, a tokenAnswer, extra map[string]any) {
	body := map[string]any{"access_token": a.token, "token_type": "Bearer"}
	if !a.omit {
		body["expires_in"] = a.expiresIn
	}
	for k, v := range extra {
		body[k] = v
	}
	writeJSON(w, http.StatusOK, body)
}

// oauthError answers an RFC 6749 error, as oauth2.googleapis.com does.
func oauthError(w http.ResponseWriter, status int, code, description string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

// googleAPIError answers the error shape of Google's JSON APIs (IAM).
func googleAPIError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": status, "message": message, "status": code}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// isForm reports whether r is a POST of an urlencoded form, the only shape
// Google's token endpoints accept.
func isForm(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return r.Method == http.MethodPost && err == nil && mt == "application/x-www-form-urlencoded"
}
