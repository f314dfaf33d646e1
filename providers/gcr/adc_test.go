package gcr

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/gcr/gcrtest"
)

const userEmail = "dev@example.com"

// TestGcloudUserLogin: the authorized_user file `gcloud auth
// application-default login` writes, found where gcloud keeps it.
func TestGcloudUserLogin(t *testing.T) {
	cases := []struct {
		name  string
		place func(h *harness) string
	}{
		{"CLOUDSDK_CONFIG", func(h *harness) string { return h.env["CLOUDSDK_CONFIG"] }},
		{"HOME/.config/gcloud", func(h *harness) string {
			delete(h.env, "CLOUDSDK_CONFIG")
			return filepath.Join(h.env["HOME"], ".config", "gcloud")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := gcrtest.NewServer(t)
			user := srv.NewUser(userEmail)
			h := newHarness(t)
			gcrtest.WriteFile(t, filepath.Join(tc.place(h), ADCFile), user.ADCJSON())
			cred, iss := mustGet(t, h.provider(t, Config{}), srv)
			assert.Equal(t, userEmail, iss.Principal)
			assert.Equal(t, "refresh_token", iss.Via)
			assert.False(t, cred.ExpiresAt.IsZero(), "no expiry")
		})
	}
}

func TestGcloudUserLoginRefused(t *testing.T) {
	cases := []struct {
		name  string
		spoil func(u *gcrtest.User) []byte
		hints []string
	}{
		{"revoked", func(u *gcrtest.User) []byte { u.Revoke(); return u.ADCJSON() },
			[]string{"expired or revoked", "gcloud auth application-default login"}},
		{"wrong client secret", func(u *gcrtest.User) []byte {
			u2 := *u
			u2.ClientSecret = "not-the-secret"
			return u2.ADCJSON()
		}, []string{"invalid_client", "gcloud auth application-default login"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := gcrtest.NewServer(t)
			user := srv.NewUser(userEmail)
			h := newHarness(t)
			path := gcrtest.WriteFile(t, filepath.Join(h.env["CLOUDSDK_CONFIG"], ADCFile), tc.spoil(user))
			_, err := get(t, h.provider(t, Config{}))
			testkit.WantErr(t, err, providers.ErrDenied, append(tc.hints, path)...)
			testkit.AssertNoSecret(t, "error", err.Error(), user.RefreshToken, user.ClientSecret)
		})
	}
}

// TestGoogleApplicationCredentials: the variable wins over gcloud's file,
// and a variable naming a missing file is an error, not a fall-through to
// gcloud's file or the metadata server.
func TestGoogleApplicationCredentials(t *testing.T) {
	srv := gcrtest.NewServer(t)
	sa := srv.NewServiceAccount(t, saEmail)
	md := srv.NewMetadata(t, "vm@proj.iam.gserviceaccount.com")
	h := newHarness(t)
	h.env["GCE_METADATA_HOST"] = md.Host
	gcrtest.WriteFile(t, filepath.Join(h.env["CLOUDSDK_CONFIG"], ADCFile), srv.NewUser(userEmail).ADCJSON())

	h.env["GOOGLE_APPLICATION_CREDENTIALS"] = sa.WriteKeyFile(t, t.TempDir())
	_, iss := mustGet(t, h.provider(t, Config{}), srv)
	assert.Equal(t, saEmail, iss.Principal, "want the GOOGLE_APPLICATION_CREDENTIALS account")

	missing := filepath.Join(t.TempDir(), "gone.json")
	h.env["GOOGLE_APPLICATION_CREDENTIALS"] = missing
	_, err := get(t, h.provider(t, Config{}))
	testkit.WantErr(t, err, providers.ErrInvalid, missing, "GOOGLE_APPLICATION_CREDENTIALS")

	// The entry's own file wins over everything ambient.
	other := srv.NewServiceAccount(t, "other@proj.iam.gserviceaccount.com")
	p := h.provider(t, Config{CredentialsFile: other.WriteKeyFile(t, t.TempDir())})
	_, iss = mustGet(t, p, srv)
	assert.Equal(t, other.Email, iss.Principal, "want the credentialsFile account")
	assert.Zero(t, md.TokenRequests(), "the metadata server was asked although a file was named")
}

func TestBrokenGcloudFileIsReported(t *testing.T) {
	srv := gcrtest.NewServer(t)
	md := srv.NewMetadata(t, "vm@proj.iam.gserviceaccount.com")
	h := newHarness(t)
	h.env["GCE_METADATA_HOST"] = md.Host
	path := gcrtest.WriteFile(t, filepath.Join(h.env["CLOUDSDK_CONFIG"], ADCFile), []byte("{"))
	_, err := get(t, h.provider(t, Config{}))
	testkit.WantErr(t, err, providers.ErrInvalid, path, "gcloud's ADC file")
	assert.Zero(t, md.TokenRequests(), "a broken gcloud file fell through to the metadata server")
}

// TestExternalAccount: workload identity federation, the STS exchange,
// with and without the service-account impersonation step.
func TestExternalAccount(t *testing.T) {
	const target = "ci-puller@proj.iam.gserviceaccount.com"
	srv := gcrtest.NewServer(t)
	ext := srv.NewExternalAccount(t, t.TempDir(), "repo:acme/app")
	h := newHarness(t)

	plain := gcrtest.WriteFile(t, filepath.Join(t.TempDir(), "wif.json"), ext.ConfigJSON(""))
	_, iss := mustGet(t, h.provider(t, Config{CredentialsFile: plain}), srv)
	assert.Equal(t, ext.Principal, iss.Principal)
	assert.Equal(t, "sts", iss.Via)

	imp := gcrtest.WriteFile(t, filepath.Join(t.TempDir(), "wif-sa.json"), ext.ConfigJSON(target))
	_, err := get(t, h.provider(t, Config{CredentialsFile: imp}))
	testkit.WantErr(t, err, providers.ErrDenied, "roles/iam.serviceAccountTokenCreator", imp)
	testkit.AssertNoSecret(t, "error", err.Error(), append(srv.IssuedTokens(), ext.SubjectToken)...)

	srv.AllowImpersonation(ext.Principal, target)
	_, iss = mustGet(t, h.provider(t, Config{CredentialsFile: imp}), srv)
	assert.Equal(t, target, iss.Principal)
	assert.Equal(t, "iam", iss.Via)

	require.NoError(t, os.Remove(ext.SubjectTokenFile))
	_, err = get(t, h.provider(t, Config{CredentialsFile: plain}))
	testkit.WantErr(t, err, providers.ErrNoIdentity, plain)
}

// TestImpersonatedServiceAccountFile: what `gcloud auth
// application-default login --impersonate-service-account` writes.
func TestImpersonatedServiceAccountFile(t *testing.T) {
	const target = "deployer@proj.iam.gserviceaccount.com"
	srv := gcrtest.NewServer(t)
	user := srv.NewUser(userEmail)
	var source map[string]any
	require.NoError(t, json.Unmarshal(user.ADCJSON(), &source))
	file, err := json.Marshal(map[string]any{
		"type":                              "impersonated_service_account",
		"service_account_impersonation_url": srv.ImpersonationURL(target),
		"source_credentials":                source,
	})
	require.NoError(t, err)
	h := newHarness(t)
	gcrtest.WriteFile(t, filepath.Join(h.env["CLOUDSDK_CONFIG"], ADCFile), file)
	srv.AllowImpersonation(userEmail, target)
	_, iss := mustGet(t, h.provider(t, Config{}), srv)
	assert.Equal(t, target, iss.Principal)
}
