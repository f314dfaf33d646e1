package verify

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

// TestRedirectToHTTPCarriesNoSecret: a registry on https that redirects
// /v2/ to plain http must not get the Basic credential sent in clear, even
// though Go copies Authorization to the same host on redirect.
func TestRedirectToHTTPCarriesNoSecret(t *testing.T) {
	var leaked atomic.Bool
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Store(true)
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer plain.Close()
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			w.Header().Set("WWW-Authenticate", `Basic realm="r"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusFound)
	}))
	defer secure.Close()
	res := Checker{Client: secure.Client()}.Check(context.Background(), Request{
		Registry: strings.TrimPrefix(secure.URL, "https://"), Username: "u", Secret: "redirect-secret",
	})
	require.False(t, leaked.Load(), "the credential was sent to the plain-http redirect target")
	assert.False(t, res.OK(), "a downgrade redirect was accepted as verification: %+v", res)
	testkit.AssertNoSecret(t, "result detail", res.Detail, "redirect-secret")
}
