package gcr

import (
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/gcr/gcrtest"
)

// TestGCRMetadataServerAtItsOwnAddress: without GCE_METADATA_HOST, the
// probe and the token request go to 169.254.169.254:80 itself (in a
// network namespace of the test's own), where the fake wants
// Metadata-Flavor: Google as the real server does. The backend dials the
// IP, never the name metadata.google.internal, so no resolver is needed.
func TestGCRMetadataServerAtItsOwnAddress(t *testing.T) {
	tests := []struct {
		name string
		// serve puts a server at the address; it returns the metadata fake,
		// nil when another cloud's server is there.
		serve  func(t *testing.T, srv *gcrtest.Server) *gcrtest.Metadata
		want   error
		absent bool
		says   []string
	}{
		{name: "service account attached", serve: func(t *testing.T, srv *gcrtest.Server) *gcrtest.Metadata {
			md := srv.NewMetadata(t, vmEmail)
			md.ServeAtOwnAddress(t)
			return md
		}},
		{name: "no service account attached", want: providers.ErrNoIdentity, says: []string{"metadata server at 169.254.169.254", "no service account attached"},
			serve: func(t *testing.T, srv *gcrtest.Server) *gcrtest.Metadata {
				md := srv.NewMetadata(t, vmEmail)
				md.DetachServiceAccount()
				md.ServeAtOwnAddress(t)
				return md
			}},
		{name: "another cloud's metadata server", want: providers.ErrNoIdentity, absent: true, says: []string{"not on Google Cloud"},
			serve: func(t *testing.T, srv *gcrtest.Server) *gcrtest.Metadata {
				testkit.ServeHTTPAt(t, gcrtest.OwnAddress, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					_, _ = io.WriteString(w, "latest\n") // AWS IMDS's root, without Metadata-Flavor
				}))
				return nil
			}},
		{name: "nothing there", want: providers.ErrNoIdentity, absent: true, says: []string{"not on Google Cloud", "169.254.169.254"},
			serve: func(t *testing.T, srv *gcrtest.Server) *gcrtest.Metadata { return nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !testkit.PrivateNetwork(t, "169.254.169.254") {
				return
			}
			srv := gcrtest.NewServer(t)
			md := tt.serve(t, srv)
			h := newHarness(t)
			delete(h.env, "GCE_METADATA_HOST")
			p := h.provider(t, Config{})
			if tt.want == nil {
				cred, iss := mustGet(t, p, srv)
				assert.Equal(t, vmEmail, iss.Principal)
				assert.Equal(t, "metadata", iss.Via)
				assert.Equal(t, 1, md.TokenRequests())
				testkit.AssertNoSecret(t, "debug log", h.logs.String(), cred.Secret.Reveal())
				return
			}
			_, err := get(t, p)
			testkit.WantErr(t, err, tt.want, tt.says...)
			assert.Equal(t, tt.absent, errors.Is(err, providers.ErrAbsent), "remembered as no identity here: %v", err)
		})
	}
}
