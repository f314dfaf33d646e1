package gcr

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/gcr/gcrtest"
)

const pullerSA = "registry-reader@proj.iam.gserviceaccount.com"

// impersonating returns a provider that impersonates pullerSA with the
// identity of a service-account key, against srv's IAM fake.
func impersonating(t *testing.T, srv *gcrtest.Server, h *harness, scopes ...string) (*Provider, *gcrtest.ServiceAccount) {
	t.Helper()
	sa := srv.NewServiceAccount(t, saEmail)
	p := h.provider(t, Config{CredentialsFile: sa.WriteKeyFile(t, t.TempDir()), ImpersonateServiceAccount: pullerSA, Scopes: scopes})
	p.iamURL = srv.IAMCredentialsURL()
	return p, sa
}

func TestImpersonateServiceAccount(t *testing.T) {
	srv := gcrtest.NewServer(t)
	h := newHarness(t)
	ro := "https://www.googleapis.com/auth/devstorage.read_only"
	p, sa := impersonating(t, srv, h, ro)
	srv.AllowImpersonation(sa.Email, pullerSA)

	before := time.Now()
	cred, iss := mustGet(t, p, srv)
	assert.Equal(t, pullerSA, iss.Principal)
	assert.Equal(t, "iam", iss.Via)
	assert.Equal(t, []string{ro}, iss.Scopes, "impersonated token scopes are the entry's")
	assert.False(t, cred.ExpiresAt.Before(before.Add(3599*time.Second)), "ExpiresAt %v, want expireTime (about an hour)", cred.ExpiresAt)
	assert.False(t, cred.ExpiresAt.After(time.Now().Add(3601*time.Second)), "ExpiresAt %v, want expireTime (about an hour)", cred.ExpiresAt)
	// The caller's own token was asked for with cloud-platform, which the
	// IAM Credentials API requires, whatever the entry's scopes.
	var callerScopes []string
	for _, tok := range srv.IssuedTokens() {
		if i, _ := srv.Lookup(tok); i.Principal == sa.Email {
			callerScopes = i.Scopes
		}
	}
	assert.Equal(t, []string{DefaultScope}, callerScopes, "caller token scopes")
}

// impersonatingFromMetadata returns a provider that impersonates pullerSA
// with the metadata server's identity (vmEmail), against srv's fakes.
func impersonatingFromMetadata(t *testing.T) (*gcrtest.Server, *gcrtest.Metadata, *Provider) {
	t.Helper()
	srv := gcrtest.NewServer(t)
	md := srv.NewMetadata(t, vmEmail)
	h := newHarness(t)
	h.env["GCE_METADATA_HOST"] = md.Host
	p := h.provider(t, Config{ImpersonateServiceAccount: pullerSA})
	p.iamURL = srv.IAMCredentialsURL()
	return srv, md, p
}

func TestImpersonateFromMetadata(t *testing.T) {
	srv, _, p := impersonatingFromMetadata(t)
	srv.AllowImpersonation(vmEmail, pullerSA)
	_, iss := mustGet(t, p, srv)
	assert.Equal(t, pullerSA, iss.Principal)
}

// TestImpersonationRefused uses the metadata server as the caller, so
// that the IAM fake's clock and outages touch only the impersonation step.
func TestImpersonationRefused(t *testing.T) {
	cases := []struct {
		name  string
		setup func(srv *gcrtest.Server)
		kind  error
		hints []string
	}{
		{"no token creator role", func(*gcrtest.Server) {}, providers.ErrDenied,
			[]string{"may not impersonate", pullerSA, "roles/iam.serviceAccountTokenCreator", "metadata server"}},
		{"IAM outage", func(s *gcrtest.Server) {
			s.AllowImpersonation(vmEmail, pullerSA)
			s.SetOutage(http.StatusServiceUnavailable)
		}, providers.ErrUnavailable, []string{"503", pullerSA, "try again later"}},
		{"expireTime already past", func(s *gcrtest.Server) {
			s.AllowImpersonation(vmEmail, pullerSA)
			s.SetClock(func() time.Time { return time.Now().Add(-2 * time.Hour) })
		}, providers.ErrInvalid, []string{"had expired", "check this machine's clock"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, md, p := impersonatingFromMetadata(t)
			tc.setup(srv)
			cred, err := get(t, p)
			testkit.WantErr(t, err, tc.kind, tc.hints...)
			assert.Empty(t, cred.Secret.Reveal(), "a secret was answered with the error")
			testkit.AssertNoSecret(t, "error", err.Error(), srv.IssuedTokens()...)
			assert.Equal(t, 1, md.TokenRequests(), "metadata token requests, want 1 (the caller's token)")
		})
	}
	t.Run("IAM unreachable", func(t *testing.T) {
		_, _, p := impersonatingFromMetadata(t)
		p.iamURL = "http://" + gcrtest.ClosedAddr(t)
		_, err := get(t, p)
		testkit.WantErr(t, err, providers.ErrUnavailable, "IAM Credentials API is unreachable", pullerSA)
	})
	t.Run("caller has no identity", func(t *testing.T) {
		h := newHarness(t)
		p := h.provider(t, Config{ImpersonateServiceAccount: pullerSA})
		_, err := get(t, p)
		testkit.WantErr(t, err, providers.ErrNoIdentity, "gcloud auth application-default login")
	})
}
