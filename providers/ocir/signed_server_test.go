package ocir

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/regcred/regcred/providers/oci/ocitest"
)

// newSignedServer serves TokenPath with answer, to requests whose OCI
// signature verifies against keys, and returns its URL.
func newSignedServer(t *testing.T, keys *ocitest.Keys, answer func(http.ResponseWriter)) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("GET "+TokenPath, ocitest.Signed(&ocitest.Verifier{Keys: keys}, func(w http.ResponseWriter, _ *http.Request, _ string, _ []byte) {
		answer(w)
	}, nil))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}
