package ocitest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
)

// Metadata fakes the instance metadata service (IMDS v2) for one
// instance. Like the real one it wants "Authorization: Bearer Oracle" on
// every request and answers 401 otherwise.
type Metadata struct {
	// BaseURL is the value for OCI_METADATA_BASE_URL (…/opc/v2).
	BaseURL string

	mu    sync.Mutex
	paths []string
}

// NewMetadata starts the fake on 127.0.0.1; it stops when the test ends.
func NewMetadata(t testing.TB, id *InstanceIdentity) *Metadata {
	m := &Metadata{}
	files := map[string]string{
		"/opc/v2/instance/region":           id.Region,
		"/opc/v2/identity/cert.pem":         string(id.CertPEM),
		"/opc/v2/identity/key.pem":          string(id.KeyPEM),
		"/opc/v2/identity/intermediate.pem": string(id.CAPEM),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		m.paths = append(m.paths, r.URL.Path)
		m.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer Oracle" {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		body, ok := files[r.URL.Path]
		if !ok || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	m.BaseURL = srv.URL + "/opc/v2"
	return m
}

// Paths returns the paths requested so far.
func (m *Metadata) Paths() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.paths)
}
