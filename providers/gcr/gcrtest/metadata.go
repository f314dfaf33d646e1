package gcrtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

// metadataTokenPath is where the attached service account's token is served.
const metadataTokenPath = "/computeMetadata/v1/instance/service-accounts/default/token"

// Metadata fakes the Compute Engine (and GKE) metadata server on
// 127.0.0.1. Point GCE_METADATA_HOST at Host, or move it to the real
// address with ServeAtOwnAddress.
type Metadata struct {
	// Host is host:port, the value for GCE_METADATA_HOST.
	Host string
	// Email is the service account attached to the "instance".
	Email string

	server        *Server
	srv           *httptest.Server
	mu            sync.Mutex
	status        int
	detached      bool
	tokenRequests int
	lastScopes    []string
}

// NewMetadata starts a metadata server whose instance runs as email; its
// tokens are minted by s, so s.Lookup and the IAM fake know them.
func (s *Server) NewMetadata(t testing.TB, email string) *Metadata {
	t.Helper()
	m := &Metadata{Email: email, server: s}
	m.srv = httptest.NewServer(m)
	t.Cleanup(m.srv.Close)
	u, err := url.Parse(m.srv.URL)
	require.NoError(t, err)
	m.Host = u.Host
	return m
}

// OwnAddress is the metadata server's documented, fixed address.
const OwnAddress = "169.254.169.254:80"

// ServeAtOwnAddress moves the server to OwnAddress, in a test's own network
// namespace (testkit.PrivateNetwork), and closes its 127.0.0.1 listener:
// a request that reaches it came the way it comes on a VM. Host becomes
// OwnAddress.
func (m *Metadata) ServeAtOwnAddress(t testing.TB) {
	t.Helper()
	testkit.ServeHTTPAt(t, OwnAddress, m)
	m.srv.Close()
	m.Host = OwnAddress
}

// SetStatus makes token requests answer status (503, 500 …); 0 restores.
func (m *Metadata) SetStatus(status int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.status = status
}

// DetachServiceAccount plays an instance without a service account.
func (m *Metadata) DetachServiceAccount() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.detached = true
}

// TokenRequests counts the token requests the server answered.
func (m *Metadata) TokenRequests() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tokenRequests
}

// LastScopes are the scopes the last token request asked for.
func (m *Metadata) LastScopes() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.lastScopes)
}

// ServeHTTP answers like the real server: every answer carries
// Metadata-Flavor: Google; /computeMetadata/ requires that header on the
// request and refuses proxied requests (X-Forwarded-For).
func (m *Metadata) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Metadata-Flavor", "Google")
	switch {
	case r.Header.Get("X-Forwarded-For") != "":
		http.Error(w, "Request had X-Forwarded-For header and was rejected.", http.StatusForbidden)
	case r.URL.Path == "/":
		_, _ = io.WriteString(w, "computeMetadata/\n")
	case !strings.HasPrefix(r.URL.Path, "/computeMetadata/"):
		http.NotFound(w, r)
	case r.Header.Get("Metadata-Flavor") != "Google":
		http.Error(w, "Missing Metadata-Flavor:Google header.", http.StatusForbidden)
	case r.Method != http.MethodGet:
		http.Error(w, "Method not allowed.", http.StatusMethodNotAllowed)
	case r.URL.Path == metadataTokenPath:
		m.token(w, r)
	case r.URL.Path == "/computeMetadata/v1/instance/service-accounts/default/email" && !m.isDetached():
		_, _ = io.WriteString(w, m.Email)
	default:
		http.NotFound(w, r)
	}
}

func (m *Metadata) token(w http.ResponseWriter, r *http.Request) {
	scopes := []string{CloudPlatformScope}
	if q := r.URL.Query().Get("scopes"); q != "" {
		scopes = strings.Split(q, ",")
	}
	m.mu.Lock()
	m.tokenRequests++
	m.lastScopes = scopes
	status, detached := m.status, m.detached
	m.mu.Unlock()
	switch {
	case detached:
		http.NotFound(w, r)
	case status != 0:
		http.Error(w, http.StatusText(status), status)
	default:
		writeToken(w, m.server.mint(m.Email, scopes, "metadata", 0), nil)
	}
}

func (m *Metadata) isDetached() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.detached
}
