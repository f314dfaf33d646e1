package registrytest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TokenServer is the token endpoint of distribution's token auth
// (`auth: token: {realm, service, issuer, rootcertbundle}`): it checks a
// user's password (basic auth on GET, or an OAuth2 password or
// refresh-token grant on POST) and issues a JWT, signed with a key whose
// certificate the registry trusts, granting the actions the user may take
// on each requested repository. Unknown users and anonymous requests get a
// token with no access, as Docker Hub does; a wrong password gets 401.
type TokenServer struct {
	URL     string // base URL; the realm is URL + "/token"
	Service string
	Issuer  string

	key  *rsa.PrivateKey
	cert []byte // DER, self-signed; also the registry's rootcertbundle

	mu       sync.Mutex
	users    map[string]tokenUser
	refresh  map[string]string // refresh token → user
	requests []TokenRequest
}

type tokenUser struct {
	password string
	check    func(password string) bool // when set, judges the password instead
	pull     []string                   // repository prefixes (at / boundaries); "*" is every repository
	push     bool
}

// TokenRequest records one token request, for tests that assert on scope.
type TokenRequest struct {
	Account string   // the authenticated user, "" when anonymous or refused
	Scopes  []string // as requested
}

// StartTokenAuth runs docker-registry with token auth behind a TokenServer
// on 127.0.0.1. The returned Registry's user may push and pull everywhere;
// add others with r.Token.AddUser.
func StartTokenAuth(t testing.TB) *Registry {
	t.Helper()
	bin := RequireTool(t, "docker-registry", "docker-registry")
	dir := t.TempDir()
	ts := newTokenServer(t)
	r := &Registry{Addr: freeAddr(t), Username: "regcred-admin", Password: "pw-" + rand.Text(), Token: ts}
	ts.users[r.Username] = tokenUser{password: r.Password, pull: []string{"*"}, push: true}
	bundle := filepath.Join(dir, "root.pem")
	write(t, bundle, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.cert})))
	r.serve(t, bin, dir, fmt.Sprintf("{token: {realm: %q, service: %q, issuer: %q, rootcertbundle: %s}}",
		ts.URL+"/token", ts.Service, ts.Issuer, bundle))
	return r
}

// AddUser lets name log in with password and pull from the repositories
// under the given prefixes ("*" for all); it may push nowhere.
func (ts *TokenServer) AddUser(name, password string, pullPrefixes ...string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.users[name] = tokenUser{password: password, pull: pullPrefixes}
}

// AddUserCheck lets name log in with any password check accepts (a
// token another service issued, say) and pull from the repositories under
// the given prefixes; it may push nowhere.
func (ts *TokenServer) AddUserCheck(name string, check func(password string) bool, pullPrefixes ...string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.users[name] = tokenUser{check: check, pull: pullPrefixes}
}

// Requests returns the token requests seen so far.
func (ts *TokenServer) Requests() []TokenRequest {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return slices.Clone(ts.requests)
}

func newTokenServer(t testing.TB) *TokenServer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "regcred test token issuer"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
	}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	ts := &TokenServer{Service: "regcred-test-registry", Issuer: "regcred-test-issuer", key: key, cert: cert,
		users: map[string]tokenUser{}, refresh: map[string]string{}}
	srv := httptest.NewServer(http.HandlerFunc(ts.serveToken))
	t.Cleanup(srv.Close)
	// go-containerregistry refuses a realm on a private IP literal other
	// than the registry's own host:port; "localhost" is a name, not a
	// literal, and still stays on this machine.
	ts.URL = strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	return ts
}

func (ts *TokenServer) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/token" {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	account, ok := ts.authenticate(r)
	scopes := r.Form["scope"]
	ts.mu.Lock()
	ts.requests = append(ts.requests, TokenRequest{Account: account, Scopes: scopes})
	ts.mu.Unlock()
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"details":"incorrect username or password"}`))
		return
	}
	token, err := ts.sign(account, scopes)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	answer := map[string]any{"token": token, "access_token": token, "expires_in": 300,
		"issued_at": time.Now().UTC().Format(time.RFC3339)}
	if account != "" && (r.Form.Get("offline_token") == "true" || r.Method == http.MethodPost) {
		answer["refresh_token"] = ts.newRefreshToken(account)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(answer)
}

// authenticate returns the user a request proves to be ("" for an
// anonymous one) and false when it offered a credential that is wrong.
func (ts *TokenServer) authenticate(r *http.Request) (string, bool) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if r.Method == http.MethodPost {
		switch r.PostForm.Get("grant_type") {
		case "password":
			return ts.checkPassword(r.PostForm.Get("username"), r.PostForm.Get("password"))
		case "refresh_token":
			user, ok := ts.refresh[r.PostForm.Get("refresh_token")]
			return user, ok
		}
		return "", false
	}
	user, pw, hasBasic := r.BasicAuth()
	if !hasBasic {
		return "", true
	}
	return ts.checkPassword(user, pw)
}

func (ts *TokenServer) checkPassword(user, pw string) (string, bool) {
	u, ok := ts.users[user]
	switch {
	case !ok:
		return "", false
	case u.check != nil:
		if !u.check(pw) {
			return "", false
		}
	case u.password != pw:
		return "", false
	}
	return user, true
}

func (ts *TokenServer) newRefreshToken(account string) string {
	tok := "refresh-" + rand.Text()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.refresh[tok] = account
	return tok
}

type accessEntry struct {
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
}

// grants returns the access the user gets for the requested scopes
// ("repository:<name>:<action>,<action>").
func (ts *TokenServer) grants(account string, scopes []string) []accessEntry {
	ts.mu.Lock()
	u := ts.users[account]
	ts.mu.Unlock()
	access := []accessEntry{}
	for _, s := range scopes {
		parts := strings.Split(s, ":")
		if len(parts) != 3 || parts[0] != "repository" || account == "" {
			continue
		}
		var actions []string
		for _, a := range strings.Split(parts[2], ",") {
			if (a == "pull" && u.mayPull(parts[1])) || (a == "push" && u.push) {
				actions = append(actions, a)
			}
		}
		if len(actions) > 0 {
			access = append(access, accessEntry{Type: "repository", Name: parts[1], Actions: actions})
		}
	}
	return access
}

func (u tokenUser) mayPull(repo string) bool {
	for _, p := range u.pull {
		if p == "*" || repo == p || strings.HasPrefix(repo, p+"/") {
			return true
		}
	}
	return false
}

// sign makes the JWT distribution verifies: RS256, the certificate in the
// x5c header (it chains to the rootcertbundle, being its only member).
func (ts *TokenServer) sign(account string, scopes []string) (string, error) {
	now := time.Now()
	header := map[string]any{"typ": "JWT", "alg": "RS256", "x5c": []string{base64.StdEncoding.EncodeToString(ts.cert)}}
	claims := map[string]any{
		"iss": ts.Issuer, "sub": account, "aud": ts.Service,
		"exp": now.Add(5 * time.Minute).Unix(), "nbf": now.Add(-time.Minute).Unix(), "iat": now.Unix(),
		"jti":    rand.Text(),
		"access": ts.grants(account, scopes),
	}
	h, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signed := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, ts.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}
