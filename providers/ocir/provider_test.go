package ocir

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/syncbuf"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
	"github.com/regcred/regcred/providers/oci/ociauth"
	"github.com/regcred/regcred/providers/oci/ocitest"
)

type fixture struct {
	keys   *ocitest.Keys
	issuer *ocitest.Issuer
	ocir   *ocitest.OCIR
	key    *ocitest.APIKey
	config string
	now    time.Time
	logger *slog.Logger
	logs   *syncbuf.Buffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	keys := ocitest.NewKeys()
	key, cfg := ocitest.APIKeyConfig(t, keys) // no region: OCIR does not need one
	iss, err := ocitest.NewIssuer(nil)
	require.NoError(t, err)
	logger, logs := testkit.DebugLogger()
	return &fixture{
		keys: keys, issuer: iss, logger: logger, key: key, config: cfg,
		ocir: ocitest.NewOCIR(t, &ocitest.Verifier{Keys: keys}, iss),
		now:  time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC),
		logs: logs,
	}
}

func (f *fixture) provider(t *testing.T, c Config, env map[string]string) *Provider {
	t.Helper()
	if c.Auth == "" && c.ConfigFile == "" {
		c.ConfigFile = f.config
	}
	c.Endpoint = f.ocir.URL
	p, err := New(c, netdeps.Deps{
		HTTPClient: &http.Client{},
		Deps: providers.Deps{
			Now:       func() time.Time { return f.now },
			LookupEnv: testkit.Env(env).Lookup,
			Logger:    f.logger,
		},
	})
	require.NoError(t, err, "New")
	p.svc.Backoff = 0
	return p
}

func TestTokenWithAPIKey(t *testing.T) {
	f := newFixture(t)
	cred, err := f.provider(t, Config{}, nil).Credential(context.Background(), providers.Request{Registry: "iad.ocir.io", Repository: "ns/app"})
	require.NoError(t, err, "refused: %v", f.ocir.Rejected())
	assert.Equal(t, "BEARER_TOKEN", cred.Username)
	to, ok := f.ocir.IssuedTo(cred.Secret.Reveal())
	assert.True(t, ok, "the secret is not a token the registry issued")
	assert.Equal(t, f.key.KeyID(), to, "token issued to")
	want := f.now.Add(ocitest.TokenTTL * time.Second)
	assert.True(t, cred.ExpiresAt.Equal(want), "ExpiresAt %v, want %v", cred.ExpiresAt, want)
	testkit.AssertNoSecret(t, "log", f.logs.String(), cred.Secret.Reveal())
}

func TestTokenRefusals(t *testing.T) {
	f := newFixture(t)
	_, strangerConfig := ocitest.APIKeyConfig(t, nil)
	tests := []struct {
		name     string
		cfg      Config
		registry string
		want     error
		contains string
		rejected int
	}{
		{name: "not an OCIR host", registry: "ghcr.io", want: providers.ErrInvalid, contains: "ghcr.io"},
		{name: "look-alike host", registry: "iad.ocir.io.evil.example", want: providers.ErrInvalid, contains: "not an OCI Registry host"},
		{name: "key the registry does not know", cfg: Config{ConfigFile: strangerConfig}, registry: "iad.ocir.io", want: providers.ErrDenied, contains: "401", rejected: 1},
		{name: "no identity", cfg: Config{ConfigFile: "/nonexistent/config"}, registry: "iad.ocir.io", want: providers.ErrNoIdentity},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.ocir.Rejected())
			_, err := f.provider(t, tc.cfg, nil).Credential(context.Background(), providers.Request{Registry: tc.registry})
			testkit.WantErr(t, err, tc.want, tc.contains)
			assert.Equal(t, tc.rejected, len(f.ocir.Rejected())-before, "requests refused by the registry")
		})
	}
}

func TestTokenWithInstancePrincipal(t *testing.T) {
	f := newFixture(t)
	id, err := ocitest.NewInstanceIdentity("iad")
	require.NoError(t, err)
	md := ocitest.NewMetadata(t, id)
	fed := ocitest.NewFederation(t, f.keys, f.issuer, id)
	t.Setenv(ociauth.EnvMetadataBaseURL, md.BaseURL)
	t.Setenv(ociauth.EnvAuthClientRegionURL, fed.URL)
	p := f.provider(t, Config{Auth: "instance_principal"}, map[string]string{ociauth.EnvMetadataBaseURL: md.BaseURL})
	for _, host := range []string{"iad.ocir.io", "ocir.us-ashburn-1.oci.oraclecloud.com"} {
		cred, err := p.Credential(context.Background(), providers.Request{Registry: host})
		require.NoError(t, err, "%s: Credential", host)
		issued := fed.Issued()
		require.Len(t, issued, 1, "federations")
		to, _ := f.ocir.IssuedTo(cred.Secret.Reveal())
		assert.Equal(t, "ST$"+issued[0], to, "%s: token not issued to the instance's session", host)
	}
}

func TestTokenWithResourcePrincipal(t *testing.T) {
	f := newFixture(t)
	env, err := ocitest.ResourcePrincipal(f.keys, f.issuer, "us-ashburn-1")
	require.NoError(t, err)
	for k, v := range env {
		t.Setenv(k, v)
	}
	cred, err := f.provider(t, Config{Auth: "resource_principal"}, env).Credential(context.Background(), providers.Request{Registry: "iad.ocir.io"})
	require.NoError(t, err, "Credential")
	to, _ := f.ocir.IssuedTo(cred.Secret.Reveal())
	assert.Equal(t, "ST$"+env[ociauth.EnvRPST], to, "token not issued to the resource principal")
}

func TestCredentialFromAnswer(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	iss, err := ocitest.NewIssuer(func() time.Time { return now })
	require.NoError(t, err)
	jwt := iss.Token(nil, 20*time.Minute)
	tests := []struct {
		name    string
		answer  tokenAnswer
		secret  string
		expires time.Time
		err     error
	}{
		{name: "token and expires_in", answer: tokenAnswer{Token: "t1", ExpiresIn: 600}, secret: "t1", expires: now.Add(10 * time.Minute)},
		{name: "access_token only", answer: tokenAnswer{AccessToken: "t2", ExpiresIn: 60}, secret: "t2", expires: now.Add(time.Minute)},
		{name: "expiry from the JWT", answer: tokenAnswer{Token: jwt}, secret: jwt, expires: now.Add(20 * time.Minute)},
		{name: "no lifetime at all", answer: tokenAnswer{Token: "opaque"}, secret: "opaque", expires: now.Add(fallbackTTL)},
		{name: "no token", answer: tokenAnswer{ExpiresIn: 60}, err: providers.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := credential("iad.ocir.io", tc.answer, now)
			if tc.err != nil {
				testkit.WantErr(t, err, tc.err, "iad.ocir.io")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, Username, cred.Username)
			assert.Equal(t, tc.secret, cred.Secret.Reveal())
			assert.True(t, cred.ExpiresAt.Equal(tc.expires), "ExpiresAt %v, want %v", cred.ExpiresAt, tc.expires)
		})
	}
}

func TestNonJSONAnswer(t *testing.T) {
	keys := ocitest.NewKeys()
	_, cfg := ocitest.APIKeyConfig(t, keys)
	srv := newSignedServer(t, keys, func(w http.ResponseWriter) { _, _ = w.Write([]byte("<html>login</html>")) })
	p, err := New(Config{ConfigFile: cfg, Endpoint: srv}, netdeps.Deps{})
	require.NoError(t, err)
	_, err = p.Credential(context.Background(), providers.Request{Registry: "iad.ocir.io"})
	testkit.WantErr(t, err, providers.ErrInvalid, "JSON")
}
