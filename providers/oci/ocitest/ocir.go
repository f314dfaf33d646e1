package ocitest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// TokenTTL is how long the fake registry's bearer tokens live, in
// seconds (expires_in).
const TokenTTL = 3600

// OCIR fakes a registry's token endpoint, GET /20180419/docker/token,
// which answers a signed request with a bearer token for `docker login
// -u BEARER_TOKEN`. The answer has the fields oci-cli users and OKE's
// credential provider read: token, access_token, scope and expires_in.
type OCIR struct {
	URL string

	rejections

	mu     sync.Mutex
	issued map[string]string // token → key id
}

// NewOCIR starts the fake on 127.0.0.1; it stops when the test ends.
func NewOCIR(t testing.TB, v *Verifier, issuer *Issuer) *OCIR {
	o := &OCIR{issued: map[string]string{}}
	handler := func(w http.ResponseWriter, r *http.Request, keyID string, _ []byte) {
		tok := issuer.Token(map[string]any{"sub": keyID, "aud": r.Host}, TokenTTL*time.Second)
		o.mu.Lock()
		o.issued[tok] = keyID
		o.mu.Unlock()
		writeJSON(w, "fake-ocir", map[string]any{
			"token":        tok,
			"access_token": tok,
			"scope":        r.URL.Query().Get("scope"),
			"expires_in":   TokenTTL,
		})
	}
	mux := http.NewServeMux()
	mux.Handle("GET /20180419/docker/token", Signed(v, handler, o.reject))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	o.URL = srv.URL
	return o
}

// IssuedTo returns the key id a token was issued to.
func (o *OCIR) IssuedTo(token string) (string, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	k, ok := o.issued[token]
	return k, ok
}

// Issued counts the tokens handed out.
func (o *OCIR) Issued() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.issued)
}
