package acrtest

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"
)

// RefreshLifetime is how long ACR's refresh tokens live.
const RefreshLifetime = 3 * time.Hour

// Registry is a fake ACR login server: its /oauth2/exchange, and with an
// upstream, every other path proxied to a real registry.
type Registry struct {
	// Host is the login server's name (<name>.azurecr.io), or the
	// loopback host:port it listens on when started with Loopback.
	Host  string
	URL   string
	cloud *Cloud
	srv   *httptest.Server
	key   *rsa.PrivateKey

	mu       sync.Mutex
	pullers  map[string]bool // client IDs granted AcrPull
	refresh  map[string]Refresh
	requests int
}

// Refresh is what a refresh token the registry issued stands for.
type Refresh struct {
	ClientID string
	Tenant   string
	Expires  time.Time
}

// RegistryOptions shape a fake registry.
type RegistryOptions struct {
	// Name is the login server, e.g. "myreg.azurecr.io"; Client dials it
	// to the fake. Empty: the registry is known by its 127.0.0.1 address.
	Name string
	// Upstream, when set, is a registry URL every path but the exchange
	// is proxied to (a docker-registry whose token server asks Refreshes).
	Upstream string
	// Plain serves http instead of https (a loopback registry for tools
	// that only speak http to it).
	Plain bool
}

// NewRegistry starts a login server until the test ends.
func (c *Cloud) NewRegistry(t testing.TB, o RegistryOptions) *Registry {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	r := &Registry{cloud: c, key: key, pullers: map[string]bool{}, refresh: map[string]Refresh{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth2/exchange", r.exchange)
	if o.Upstream != "" {
		u, err := url.Parse(o.Upstream)
		require.NoError(t, err)
		mux.Handle("/", httputil.NewSingleHostReverseProxy(u))
	}
	if o.Plain {
		r.srv = httptest.NewServer(mux)
		t.Cleanup(r.srv.Close)
	} else {
		r.srv = c.startTLS(t, mux)
	}
	r.URL, r.Host = r.srv.URL, hostOf(r.srv.URL)
	if o.Name != "" {
		r.Host = o.Name
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.registries = append(c.registries, r)
	return r
}

func (r *Registry) addr() string { return hostOf(r.URL) }

// GrantPull gives a client ID the AcrPull role on the registry.
func (r *Registry) GrantPull(clientID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pullers[clientID] = true
}

// Lookup says whether the registry issued refresh token and it is live.
func (r *Registry) Lookup(token string) (Refresh, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f, ok := r.refresh[token]
	return f, ok && r.cloud.clock().Before(f.Expires)
}

// Exchanges counts the exchange requests, refused ones included.
func (r *Registry) Exchanges() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// exchange is POST /oauth2/exchange: an Entra access token for a refresh token.
func (r *Registry) exchange(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.requests++
	r.mu.Unlock()
	if req.Method != http.MethodPost || req.ParseForm() != nil || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		acrError(w, http.StatusBadRequest, "BAD_REQUEST", "expected a form POST")
		return
	}
	f := req.PostForm
	issued, known := r.cloud.Entra.Lookup(f.Get("access_token"))
	switch {
	case f.Get("grant_type") != "access_token":
		acrError(w, http.StatusBadRequest, "UNSUPPORTED_GRANT_TYPE", "grant type is not supported")
	case f.Get("service") != r.Host:
		acrError(w, http.StatusBadRequest, "INVALID_SERVICE", "service "+f.Get("service")+" is not this registry")
	case !known:
		acrError(w, http.StatusUnauthorized, "UNAUTHORIZED", "failed to verify the access token")
	case !r.cloud.clock().Before(issued.Expires):
		acrError(w, http.StatusUnauthorized, "UNAUTHORIZED", "the access token has expired")
	case !acceptsAudience(issued.Audience):
		acrError(w, http.StatusUnauthorized, "UNAUTHORIZED", "the access token's audience is not accepted")
	case f.Get("tenant") != "" && f.Get("tenant") != issued.Tenant:
		acrError(w, http.StatusUnauthorized, "UNAUTHORIZED", "the access token is not from tenant "+f.Get("tenant"))
	case !r.allowed(issued.ClientID):
		acrError(w, http.StatusUnauthorized, "UNAUTHORIZED", "the principal does not have permission to access the registry")
	default:
		writeJSON(w, http.StatusOK, map[string]string{"refresh_token": r.mintRefresh(issued)})
	}
}

func (r *Registry) allowed(clientID string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pullers[clientID]
}

func (r *Registry) mintRefresh(i Issued) string {
	now := r.cloud.clock()
	exp := now.Add(RefreshLifetime).Truncate(time.Second)
	tok, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"jti": rand.Text(), "sub": i.ClientID, "tenant": i.Tenant, "aud": r.Host, "iss": "Azure Container Registry",
		"grant_type": "refresh_token", "nbf": now.Unix(), "iat": now.Unix(), "exp": exp.Unix(),
	}).SignedString(r.key)
	if err != nil {
		panic(err) // an RSA key that cannot sign is a broken test set-up
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refresh[tok] = Refresh{ClientID: i.ClientID, Tenant: i.Tenant, Expires: exp}
	return tok
}

func acrError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"errors": []map[string]string{{"code": code, "message": msg}}})
}
