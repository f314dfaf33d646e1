package ocir

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/regcred/regcred/internal/syncbuf"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
	"github.com/regcred/regcred/providers/oci/ociauth"
	"github.com/regcred/regcred/providers/oci/ocitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	key, err := ocitest.NewAPIKey(keys)
	require.NoError(t, err)
	cfg, err := key.WriteConfig(t.TempDir()) // no region: OCIR does not need one
	require.NoError(t, err)
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
	p.backoff = 0
	return p
}

func TestTokenWithAPIKey(t *testing.T) {
	f := newFixture(t)
	cred, err := f.provider(t, Config{}, nil).Credential(context.Background(), providers.Request{Registry: "iad.ocir.io", Repository: "ns/app"})
	if err != nil {
		t.Fatalf("Credential: %v (refused: %v)", err, f.ocir.Rejected())
	}
	if cred.Username != "BEARER_TOKEN" {
		t.Errorf("username %q", cred.Username)
	}
	if to, ok := f.ocir.IssuedTo(cred.Secret.Reveal()); !ok || to != f.key.KeyID() {
		t.Errorf("the secret is not a token the registry issued to %s (issued to %q)", f.key.KeyID(), to)
	}
	if want := f.now.Add(ocitest.TokenTTL * time.Second); !cred.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt %v, want %v", cred.ExpiresAt, want)
	}
	if strings.Contains(f.logs.String(), cred.Secret.Reveal()) {
		t.Error("the token was logged")
	}
}

func TestTokenRefusals(t *testing.T) {
	f := newFixture(t)
	stranger, err := ocitest.NewAPIKey(nil)
	require.NoError(t, err)
	strangerConfig, err := stranger.WriteConfig(t.TempDir())
	require.NoError(t, err)
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
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.contains) {
				t.Fatalf("err = %v, want %v mentioning %q", err, tc.want, tc.contains)
			}
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
		if to, _ := f.ocir.IssuedTo(cred.Secret.Reveal()); len(issued) != 1 || to != "ST$"+issued[0] {
			t.Errorf("%s: token not issued to the instance's session (federations %d)", host, len(issued))
		}
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
	if to, _ := f.ocir.IssuedTo(cred.Secret.Reveal()); to != "ST$"+env[ociauth.EnvRPST] {
		t.Errorf("token issued to %q, not the resource principal", to)
	}
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
				if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), "iad.ocir.io") {
					t.Fatalf("err = %v, want %v naming the host", err, tc.err)
				}
				return
			}
			require.NoError(t, err)
			if cred.Username != Username || cred.Secret.Reveal() != tc.secret || !cred.ExpiresAt.Equal(tc.expires) {
				t.Errorf("got %q/%q/%v, want %q/%q/%v", cred.Username, cred.Secret.Reveal(), cred.ExpiresAt, Username, tc.secret, tc.expires)
			}
		})
	}
}

func TestNonJSONAnswer(t *testing.T) {
	keys := ocitest.NewKeys()
	key, err := ocitest.NewAPIKey(keys)
	require.NoError(t, err)
	cfg, err := key.WriteConfig(t.TempDir())
	require.NoError(t, err)
	srv := newSignedServer(t, keys, func(w http.ResponseWriter) { _, _ = w.Write([]byte("<html>login</html>")) })
	p, err := New(Config{ConfigFile: cfg, Endpoint: srv}, netdeps.Deps{})
	require.NoError(t, err)
	_, err = p.Credential(context.Background(), providers.Request{Registry: "iad.ocir.io"})
	if !errors.Is(err, providers.ErrInvalid) || !strings.Contains(err.Error(), "JSON") {
		t.Fatalf("err = %v, want ErrInvalid about JSON", err)
	}
}
