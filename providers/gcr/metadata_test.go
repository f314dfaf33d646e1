package gcr

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/gcr/gcrtest"
)

const vmEmail = "123-compute@developer.gserviceaccount.com"

// TestMetadataServer: the attached service account's token from the
// metadata server named by GCE_METADATA_HOST; the fake refuses requests
// without Metadata-Flavor: Google.
func TestMetadataServer(t *testing.T) {
	fixed := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := gcrtest.NewServer(t)
	md := srv.NewMetadata(t, vmEmail)
	h := newHarness(t)
	h.env["GCE_METADATA_HOST"] = md.Host
	h.now = func() time.Time { return fixed }
	ro := "https://www.googleapis.com/auth/devstorage.read_only"
	cred, iss := mustGet(t, h.provider(t, Config{Scopes: []string{ro, DefaultScope}}), srv)
	assert.Equal(t, vmEmail, iss.Principal)
	assert.Equal(t, "metadata", iss.Via)
	assert.Equal(t, []string{ro, DefaultScope}, md.LastScopes(), "asked for the entry's scopes")
	want := fixed.Add(3599 * time.Second)
	assert.True(t, cred.ExpiresAt.Equal(want), "ExpiresAt %v, want %v (now + expires_in)", cred.ExpiresAt, want)
	testkit.AssertNoSecret(t, "debug log", h.logs.String(), cred.Secret.Reveal())
}

// TestMetadataProbe: without GCE_METADATA_HOST the fixed address is probed
// first; a Google server there is used, anything else means "not on
// Google Cloud".
func TestMetadataProbe(t *testing.T) {
	srv := gcrtest.NewServer(t)
	md := srv.NewMetadata(t, vmEmail)
	h := newHarness(t)
	delete(h.env, "GCE_METADATA_HOST")

	p := h.provider(t, Config{})
	p.metadataIP = md.Host
	_, iss := mustGet(t, p, srv)
	assert.Equal(t, vmEmail, iss.Principal)

	// Another cloud's metadata service at the same address (AWS IMDS
	// answers, but not as Google).
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("latest\n"))
	}))
	t.Cleanup(other.Close)
	u, err := url.Parse(other.URL)
	require.NoError(t, err)
	p.metadataIP = u.Host
	_, err = get(t, p)
	testkit.WantErr(t, err, providers.ErrNoIdentity, "not on Google Cloud")
	assert.Equal(t, 1, md.TokenRequests(), "token requests, want only the first provider's")
}

// TestNoCredentialsAtAll: an empty home and gcloud dir and no metadata
// server. Nothing leaves the machine.
func TestNoCredentialsAtAll(t *testing.T) {
	t.Run("off Google Cloud", func(t *testing.T) {
		h := newHarness(t)
		delete(h.env, "GCE_METADATA_HOST")
		p := h.provider(t, Config{})
		p.metadataIP = gcrtest.ClosedAddr(t)
		_, err := get(t, p)
		testkit.WantErr(t, err, providers.ErrNoIdentity,
			"no Google credentials found", "GOOGLE_APPLICATION_CREDENTIALS is not set",
			h.env["CLOUDSDK_CONFIG"], "gcloud auth application-default login", "credentialsFile")
		assert.NotErrorIs(t, err, providers.ErrUnavailable, "no metadata server off Google Cloud is not an outage")
	})
	t.Run("GCE_METADATA_HOST unreachable", func(t *testing.T) {
		h := newHarness(t)
		_, err := get(t, h.provider(t, Config{}))
		// The user said a metadata server is there: it is down, and there
		// is no other identity either.
		testkit.WantErr(t, err, providers.ErrUnavailable, h.env["GCE_METADATA_HOST"], "GCE_METADATA_HOST", "unreachable", "gcloud auth application-default login")
		testkit.WantErr(t, err, providers.ErrNoIdentity)
	})
	t.Run("neither HOME nor CLOUDSDK_CONFIG", func(t *testing.T) {
		h := newHarness(t)
		delete(h.env, "HOME")
		delete(h.env, "CLOUDSDK_CONFIG")
		_, err := get(t, h.provider(t, Config{}))
		testkit.WantErr(t, err, providers.ErrNoIdentity, "neither CLOUDSDK_CONFIG nor HOME")
	})
}

func TestMetadataFailures(t *testing.T) {
	cases := []struct {
		name  string
		spoil func(*gcrtest.Server, *gcrtest.Metadata)
		kind  error
		hint  string
	}{
		{"unavailable", func(_ *gcrtest.Server, m *gcrtest.Metadata) { m.SetStatus(http.StatusServiceUnavailable) }, providers.ErrUnavailable, "503"},
		{"internal error", func(_ *gcrtest.Server, m *gcrtest.Metadata) { m.SetStatus(http.StatusInternalServerError) }, providers.ErrUnavailable, "500"},
		{"forbidden", func(_ *gcrtest.Server, m *gcrtest.Metadata) { m.SetStatus(http.StatusForbidden) }, providers.ErrDenied, "refused"},
		{"no service account", func(_ *gcrtest.Server, m *gcrtest.Metadata) { m.DetachServiceAccount() }, providers.ErrNoIdentity, "no service account attached"},
		{"dead token", func(s *gcrtest.Server, _ *gcrtest.Metadata) { s.SetExpiresIn(0) }, providers.ErrInvalid, "already expired"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := gcrtest.NewServer(t)
			md := srv.NewMetadata(t, vmEmail)
			tc.spoil(srv, md)
			h := newHarness(t)
			h.env["GCE_METADATA_HOST"] = md.Host
			cred, err := get(t, h.provider(t, Config{}))
			testkit.WantErr(t, err, tc.kind, tc.hint, md.Host)
			assert.Empty(t, cred.Secret, "a secret was answered with the error")
			// Only the dead token is issued before the failure; the others
			// fail before any token exists, so there is nothing to leak.
			if issued := srv.IssuedTokens(); len(issued) > 0 {
				testkit.AssertNoSecret(t, "error", err.Error(), issued...)
			}
		})
	}
	t.Run("bad GCE_METADATA_HOST", func(t *testing.T) {
		h := newHarness(t)
		h.env["GCE_METADATA_HOST"] = "host/path"
		_, err := get(t, h.provider(t, Config{}))
		testkit.WantErr(t, err, providers.ErrInvalid, "GCE_METADATA_HOST")
	})
}
