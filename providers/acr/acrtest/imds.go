package acrtest

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/regcred/regcred/internal/testkit"
)

// IMDS is a fake Azure Instance Metadata Service, managed-identity
// endpoint only, on plain http as the real one. It has no identity until
// AssignSystem or AssignUser.
type IMDS struct {
	URL   string // http://127.0.0.1:port, or http://169.254.169.254:80
	cloud *Cloud
	srv   *httptest.Server

	mu       sync.Mutex
	system   string          // client ID of the system-assigned identity
	users    map[string]bool // client IDs of user-assigned identities
	tenant   string
	requests int
	off      bool
	own      bool   // served at 169.254.169.254:80 itself (ServeAtOwnAddress)
	header   string // App Service's X-IDENTITY-HEADER secret
}

func newIMDS(t testing.TB, c *Cloud) *IMDS {
	t.Helper()
	m := &IMDS{cloud: c, users: map[string]bool{}, tenant: uuid.NewString(), header: "idh-" + uuid.NewString()}
	m.srv = httptest.NewServer(m)
	t.Cleanup(m.srv.Close)
	m.URL = m.srv.URL
	return m
}

// imdsAddr is IMDS's real address.
const imdsAddr = "169.254.169.254:80"

// ServeAtOwnAddress moves the fake to IMDS's real address,
// 169.254.169.254:80, in a test's own network namespace
// (testkit.PrivateNetwork): Cloud.Client then dials that address as it is,
// and the 127.0.0.1 listener closes, so a request that reached the fake
// came the way it comes on a VM.
func (m *IMDS) ServeAtOwnAddress(t testing.TB) {
	t.Helper()
	u := testkit.ServeHTTPAt(t, imdsAddr, m)
	m.srv.Close()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.URL, m.own = u, true
}

// route is where a dial of IMDS's address goes.
func (m *IMDS) route() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.off:
		return "127.0.0.1:1" // nothing listens on port 1: refused at once
	case m.own:
		return imdsAddr
	}
	return hostOf(m.URL)
}

// AssignSystem gives the machine a system-assigned identity; its client ID.
func (m *IMDS) AssignSystem() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.system = uuid.NewString()
	return m.system
}

// AssignUser assigns a user-assigned identity; its client ID.
func (m *IMDS) AssignUser() string {
	id := uuid.NewString()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.users[id] = true
	return id
}

// TurnOff makes 169.254.169.254 unreachable through Cloud.Client: a
// machine off Azure.
func (m *IMDS) TurnOff() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.off = true
}

// Tenant is the tenant of the machine's identities.
func (m *IMDS) Tenant() string { return m.tenant }

// TokenRequests counts requests that got a token.
func (m *IMDS) TokenRequests() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.requests
}

// AppServiceEnv is the environment App Service (and Functions, Container
// Apps) gives a process with a managed identity: IDENTITY_ENDPOINT and
// IDENTITY_HEADER, served by this fake with the same identities.
func (m *IMDS) AppServiceEnv() []string {
	return []string{"IDENTITY_ENDPOINT=" + m.URL + "/msi/token", "IDENTITY_HEADER=" + m.header}
}

// ServeHTTP answers as IMDS's managed-identity endpoint does (and App
// Service's, under /msi/token).
func (m *IMDS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.URL.Path == "/msi/token" {
		m.appService(w, r)
		return
	}
	switch {
	case r.URL.Path != "/metadata/identity/oauth2/token":
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found"})
	case r.Header.Get("Metadata") != "true":
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "Required metadata header not specified"})
	case r.Header.Get("X-Forwarded-For") != "":
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "forbidden", "error_description": "Request contains X-Forwarded-For header"})
	case q.Get("api-version") == "":
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "Required query variable 'api-version' is missing"})
	case !identityAPIVersion(q.Get("api-version")):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "Invalid or unsupported api-version " + strconv.Quote(q.Get("api-version"))})
	case q.Get("resource") == "":
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "Required query variable 'resource' is missing"})
	default:
		m.token(w, q.Get("client_id"), strings.TrimSuffix(q.Get("resource"), "/"))
	}
}

func (m *IMDS) token(w http.ResponseWriter, clientID, resource string) {
	m.mu.Lock()
	id := clientID
	if id == "" {
		id = m.system
	} else if !m.users[id] {
		id = ""
	}
	if id != "" {
		m.requests++
	}
	m.mu.Unlock()
	if id == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "Identity not found"})
		return
	}
	tok := m.cloud.Entra.mint(Issued{Tenant: m.tenant, ClientID: id, Audience: resource, Via: "managed_identity"})
	i, _ := m.cloud.Entra.Lookup(tok)
	// IMDS's shape: every value a string, numbers too, and an empty
	// refresh_token.
	writeJSON(w, http.StatusOK, map[string]string{
		"access_token": tok, "refresh_token": "", "client_id": id, "resource": resource, "token_type": "Bearer",
		"expires_in": "3599", "ext_expires_in": "3599",
		"expires_on": strconv.FormatInt(i.Expires.Unix(), 10), "not_before": strconv.FormatInt(i.Expires.Unix()-3600, 10),
	})
}

// appService is App Service's identity endpoint: the secret header
// instead of Metadata: true, api-version 2019-08-01.
func (m *IMDS) appService(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case r.Header.Get("X-IDENTITY-HEADER") != m.header:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized", "error_description": "X-IDENTITY-HEADER is missing or wrong"})
	case q.Get("api-version") != "2019-08-01":
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "api-version 2019-08-01 is required"})
	case q.Get("resource") == "":
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "resource is required"})
	default:
		m.token(w, q.Get("client_id"), strings.TrimSuffix(q.Get("resource"), "/"))
	}
}

// identityAPIVersion says whether IMDS's identity endpoint serves v: a
// dated version, 2018-02-01 (the first with managed identities) or later.
func identityAPIVersion(v string) bool {
	d, err := time.Parse(time.DateOnly, v)
	return err == nil && !d.Before(time.Date(2018, 2, 1, 0, 0, 0, 0, time.UTC))
}
