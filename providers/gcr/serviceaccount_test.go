package gcr

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/gcr/gcrtest"
)

const saEmail = "puller@proj.iam.gserviceaccount.com"

// TestServiceAccountKey runs the real JWT-bearer flow of oauth2/google
// against a token endpoint that verifies the RS256 assertion.
func TestServiceAccountKey(t *testing.T) {
	srv := gcrtest.NewServer(t)
	sa := srv.NewServiceAccount(t, saEmail)
	h := newHarness(t)
	p := h.provider(t, Config{CredentialsFile: sa.WriteKeyFile(t, t.TempDir())})

	before := time.Now()
	cred, iss := mustGet(t, p, srv)
	after := time.Now()

	assert.Equal(t, saEmail, iss.Principal, "token issued to")
	assert.Equal(t, "jwt-bearer", iss.Via, "token issued via")
	assert.Equal(t, []string{DefaultScope}, iss.Scopes, "the default scope")
	lo, hi := before.Add(3599*time.Second), after.Add(3599*time.Second)
	assert.False(t, cred.ExpiresAt.Before(lo) || cred.ExpiresAt.After(hi), "ExpiresAt %v, want the token's expiry, between %v and %v", cred.ExpiresAt, lo, hi)
	assert.Equal(t, 1, srv.Requests("token"), "token requests")
	testkit.AssertNoSecret(t, "debug log", h.logs.String(), cred.Secret.Reveal(), pemBody(sa.KeyJSON()))
}

func TestServiceAccountScopesAndHome(t *testing.T) {
	srv := gcrtest.NewServer(t)
	sa := srv.NewServiceAccount(t, saEmail)
	h := newHarness(t)
	gcrtest.WriteFile(t, filepath.Join(h.env["HOME"], "keys", "sa.json"), sa.KeyJSON())
	ro := "https://www.googleapis.com/auth/devstorage.read_only"
	p := h.provider(t, Config{CredentialsFile: "~/keys/sa.json", Scopes: []string{ro}})
	_, iss := mustGet(t, p, srv)
	assert.Equal(t, []string{ro}, iss.Scopes)
}

// TestServiceAccountRejected: the token endpoint's refusals become
// ErrDenied with Google's reason and what to do, and no secret.
func TestServiceAccountRejected(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, srv *gcrtest.Server) []byte
		hints []string
	}{
		{"key signed by another private key", func(t *testing.T, srv *gcrtest.Server) []byte {
			return srv.NewServiceAccount(t, saEmail).Forged(t).KeyJSON()
		}, []string{"invalid_grant", "Invalid JWT Signature", "create a new key"}},
		{"key deleted", func(t *testing.T, srv *gcrtest.Server) []byte {
			sa := srv.NewServiceAccount(t, saEmail)
			sa.DeleteKey()
			return sa.KeyJSON()
		}, []string{"invalid_grant", "Invalid JWT Signature", "deleted"}},
		{"account deleted", func(t *testing.T, srv *gcrtest.Server) []byte {
			sa := srv.NewServiceAccount(t, saEmail)
			sa.DeleteAccount()
			return sa.KeyJSON()
		}, []string{"invalid_grant", "account not found", "deleted or disabled"}},
		{"local clock two hours slow", func(t *testing.T, srv *gcrtest.Server) []byte {
			srv.SetClock(func() time.Time { return time.Now().Add(2 * time.Hour) })
			return srv.NewServiceAccount(t, saEmail).KeyJSON()
		}, []string{"invalid_grant", "reasonable timeframe", "clock"}},
		{"local clock two hours fast", func(t *testing.T, srv *gcrtest.Server) []byte {
			srv.SetClock(func() time.Time { return time.Now().Add(-2 * time.Hour) })
			return srv.NewServiceAccount(t, saEmail).KeyJSON()
		}, []string{"invalid_grant", "clock"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := gcrtest.NewServer(t)
			key := tc.setup(t, srv)
			path := gcrtest.WriteFile(t, filepath.Join(t.TempDir(), "sa.json"), key)
			h := newHarness(t)
			_, err := get(t, h.provider(t, Config{CredentialsFile: path}))
			testkit.WantErr(t, err, providers.ErrDenied, append(tc.hints, path, saEmail)...)
			testkit.AssertNoSecret(t, "error", err.Error(), pemBody(key))
			assert.Empty(t, srv.IssuedTokens(), "the fake issued tokens for a refused assertion")
		})
	}
}

func TestTokenEndpointOutage(t *testing.T) {
	srv := gcrtest.NewServer(t)
	sa := srv.NewServiceAccount(t, saEmail)
	srv.SetOutage(http.StatusServiceUnavailable)
	h := newHarness(t)
	_, err := get(t, h.provider(t, Config{CredentialsFile: sa.WriteKeyFile(t, t.TempDir())}))
	testkit.WantErr(t, err, providers.ErrUnavailable, "try again later", saEmail)
}

func TestTokenEndpointUnreachable(t *testing.T) {
	srv := gcrtest.NewServer(t)
	sa := srv.NewServiceAccount(t, saEmail)
	key := sa.KeyJSON()
	// The key's token_uri points at a port nothing listens on.
	dead := "http://" + gcrtest.ClosedAddr(t) + "/token"
	key = []byte(replaceJSONField(t, key, "token_uri", dead))
	path := gcrtest.WriteFile(t, filepath.Join(t.TempDir(), "sa.json"), key)
	h := newHarness(t)
	_, err := get(t, h.provider(t, Config{CredentialsFile: path}))
	testkit.WantErr(t, err, providers.ErrUnavailable, path)
	testkit.AssertNoSecret(t, "error", err.Error(), pemBody(key))
}

// TestExpiredTokens: a token that is dead on arrival is never answered,
// and a token without an expiry gets a short one.
func TestExpiredTokens(t *testing.T) {
	fixed := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		name    string
		server  func(*gcrtest.Server)
		now     func() time.Time
		wantErr string
		wantExp time.Time
	}{
		{"expires_in zero", func(s *gcrtest.Server) { s.SetExpiresIn(0) }, time.Now, "already expired", time.Time{}},
		{"expires_in negative", func(s *gcrtest.Server) { s.SetExpiresIn(-30) }, time.Now, "already expired", time.Time{}},
		{"local clock far ahead of the token", func(*gcrtest.Server) {}, func() time.Time { return time.Now().Add(3 * time.Hour) }, "check this machine's clock", time.Time{}},
		{"no expires_in", func(s *gcrtest.Server) { s.OmitExpiresIn() }, func() time.Time { return fixed }, "", fixed.Add(assumedLifetime)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := gcrtest.NewServer(t)
			sa := srv.NewServiceAccount(t, saEmail)
			tc.server(srv)
			h := newHarness(t)
			h.now = tc.now
			p := h.provider(t, Config{CredentialsFile: sa.WriteKeyFile(t, t.TempDir())})
			if tc.wantErr != "" {
				cred, err := get(t, p)
				testkit.WantErr(t, err, providers.ErrInvalid, tc.wantErr)
				assert.Empty(t, cred.Secret.Reveal(), "an expired token was answered")
				testkit.AssertNoSecret(t, "error", err.Error(), srv.IssuedTokens()...)
				return
			}
			cred, _ := mustGet(t, p, srv)
			assert.True(t, cred.ExpiresAt.Equal(tc.wantExp), "ExpiresAt %v, want %v", cred.ExpiresAt, tc.wantExp)
		})
	}
}

// TestMalformedKeyFiles: a broken file is ErrInvalid naming the file and
// never quoting it, and nothing is sent anywhere.
func TestMalformedKeyFiles(t *testing.T) {
	srv := gcrtest.NewServer(t)
	good := srv.NewServiceAccount(t, saEmail).KeyJSON()
	const marker = "SECRET-MARKER-5f1d"
	cases := []struct {
		name    string
		content string
		hint    string
	}{
		{"not JSON", "private_key=" + marker, "not valid JSON"},
		{"truncated", string(good[:len(good)/2]), "not valid JSON"},
		{"array", `["` + marker + `"]`, "not a JSON object"},
		{"wrong field type", `{"type": 7, "private_key": "` + marker + `"}`, `field "type"`},
		{"no type", `{"private_key": "` + marker + `"}`, `no "type"`},
		{"oauth client secret", `{"installed": {"client_id": "x", "client_secret": "` + marker + `"}}`, "OAuth client secret"},
		{"unsupported type", `{"type": "gdch_service_account", "private_key": "` + marker + `"}`, "gdch_service_account"},
		{"service account without email", `{"type": "service_account", "private_key": "` + marker + `"}`, "without client_email"},
		{"service account bad key", `{"type": "service_account", "client_email": "a@b.iam.gserviceaccount.com", "private_key": "-----BEGIN PRIVATE KEY-----\n` + marker + `\n-----END PRIVATE KEY-----\n"}`, "not a PEM-encoded RSA key"},
		{"user login without refresh token", `{"type": "authorized_user", "client_id": "x", "client_secret": "` + marker + `"}`, "refresh_token"},
		{"external account without audience", `{"type": "external_account", "subject_token_type": "` + marker + `"}`, "without audience"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := gcrtest.WriteFile(t, filepath.Join(t.TempDir(), "key.json"), []byte(tc.content))
			h := newHarness(t)
			_, err := get(t, h.provider(t, Config{CredentialsFile: path}))
			testkit.WantErr(t, err, providers.ErrInvalid, path, tc.hint)
			testkit.AssertNoSecret(t, "error", err.Error(), marker, pemBody(good))
		})
	}
	t.Run("missing", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nope.json")
		h := newHarness(t)
		_, err := get(t, h.provider(t, Config{CredentialsFile: path}))
		testkit.WantErr(t, err, providers.ErrInvalid, path, "credentialsFile", "no such file")
	})
	t.Run("a directory", func(t *testing.T) {
		dir := t.TempDir()
		h := newHarness(t)
		_, err := get(t, h.provider(t, Config{CredentialsFile: dir}))
		testkit.WantErr(t, err, providers.ErrInvalid, dir, "cannot read")
	})
	t.Run("home unset", func(t *testing.T) {
		h := newHarness(t)
		delete(h.env, "HOME")
		_, err := get(t, h.provider(t, Config{CredentialsFile: "~/sa.json"}))
		testkit.WantErr(t, err, providers.ErrInvalid, "HOME")
	})
	assert.Zero(t, srv.Requests("token"), "token requests for broken files")
}

// replaceJSONField rewrites one string field of a JSON object.
func replaceJSONField(t *testing.T, data []byte, field, value string) string {
	t.Helper()
	m := map[string]any{}
	require.NoError(t, json.Unmarshal(data, &m))
	m[field] = value
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return string(out)
}

// TestNewReadsNothing: New neither reads the key file nor asks anything
// of the network; the file is read by Credential, so one written after New
// (a Secret mounted late, a rotated key) is used.
func TestNewReadsNothing(t *testing.T) {
	srv := gcrtest.NewServer(t)
	md := srv.NewMetadata(t, "vm@proj.iam.gserviceaccount.com")
	h := newHarness(t)
	h.env["GCE_METADATA_HOST"] = md.Host
	path := filepath.Join(t.TempDir(), "sa.json")
	withFile := h.provider(t, Config{CredentialsFile: path})
	_ = h.provider(t, Config{})
	require.Zero(t, srv.Requests("token")+md.TokenRequests(), "New made token requests")
	gcrtest.WriteFile(t, path, srv.NewServiceAccount(t, saEmail).KeyJSON())
	_, iss := mustGet(t, withFile, srv)
	assert.Equal(t, saEmail, iss.Principal, "want the key written after New")
}
