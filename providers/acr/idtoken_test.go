package acr

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/oidctest"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/acr/acrtest"
	"github.com/regcred/regcred/providers/idtoken"
)

// keylessWorld is a CI (the fake issuer) whose tokens for one subject an
// app's federated credential trusts, a GitHub Actions job's environment,
// and a machine whose own Azure identity (a service principal in the
// environment, a managed identity) must never take part.
type keylessWorld struct {
	*harness
	iss        *oidctest.Issuer
	app        *acrtest.App
	nodeSecret string
}

func newKeylessWorld(t *testing.T) *keylessWorld {
	t.Helper()
	w := &keylessWorld{harness: newHarness(t), iss: oidctest.New(t)}
	w.app = w.cloud.Entra.NewApp("")
	w.app.FederateIssuer(w.iss.URL, w.iss.Subject, acrtest.ExchangeAudience)
	w.reg.GrantPull(w.app.ClientID)
	node, secret := w.secretApp()
	w.nodeSecret = secret
	w.env["AZURE_TENANT_ID"], w.env["AZURE_CLIENT_ID"], w.env["AZURE_CLIENT_SECRET"] = node.Tenant, node.ClientID, secret
	w.reg.GrantPull(w.cloud.IMDS.AssignSystem())
	maps.Copy(w.env, w.iss.GitHubEnv())
	return w
}

func (w *keylessWorld) cfg(id idtoken.Config) Config {
	return Config{TenantID: w.app.Tenant, ClientID: w.app.ClientID, AuthorityHost: w.cloud.Entra.URL + "/", IDToken: &id}
}

// secrets are every token in play: the identity tokens, the CI's request
// token, the machine's client secret.
func (w *keylessWorld) secrets() []string {
	return append(w.iss.Issued(), w.iss.RequestToken(), w.nodeSecret)
}

// TestIDTokenIsTheClientAssertion: the CI job's token is the client
// assertion of the entry's client, then exchanged at the registry; the
// machine's own identity never takes part.
func TestIDTokenIsTheClientAssertion(t *testing.T) {
	w := newKeylessWorld(t)
	for _, tc := range []struct {
		name string
		id   idtoken.Config
	}{
		{name: "from github", id: idtoken.Config{From: "github"}},
		{name: "from auto, audience named", id: idtoken.Config{Audience: acrtest.ExchangeAudience}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cred := w.mustGet(t, w.cfg(tc.id), w.app.ClientID)
			assert.Contains(t, w.logs.String(), "identity token from GitHub Actions")
			testkit.AssertNoSecret(t, "log", w.logs.String(), append(w.secrets(), cred.Secret.Reveal())...)
		})
	}
	assert.Equal(t, 2, w.cloud.Entra.Requests("federated"))
	assert.Zero(t, w.cloud.Entra.Requests("client_secret"), "the machine's service principal took part")
	assert.Zero(t, w.cloud.IMDS.TokenRequests(), "the machine's managed identity took part")
}

// TestIDTokenRefusals: each refusal, by the CI, by regcred's own check or
// by Entra (with its AADSTS code, without its trace noise), is classified
// and says what to change; none carries a token.
func TestIDTokenRefusals(t *testing.T) {
	w := newKeylessWorld(t)
	stranger := oidctest.New(t)
	aud := acrtest.ExchangeAudience
	exp := time.Now().Add(time.Hour).Unix()
	fix := "needs a federated credential with issuer \"" + w.iss.URL + "\""
	for _, tc := range []struct {
		name   string
		cfg    Config
		env    map[string]string
		clock  time.Duration // Entra's clock ahead of regcred's
		target error
		want   []string
	}{
		{name: "wrong audience", cfg: w.cfg(idtoken.Config{Audience: "sts.amazonaws.com"}), target: providers.ErrDenied,
			want: []string{"AADSTS700212", "assertion audience 'sts.amazonaws.com'", `audience "sts.amazonaws.com" (idToken.audience)`}},
		{name: "expired, seen by regcred", cfg: w.cfg(idtoken.Config{Env: "CI_TOKEN"}), env: map[string]string{"CI_TOKEN": w.iss.Token(w.iss.Subject, aud, -time.Hour)},
			target: providers.ErrNoIdentity, want: []string{"acr: " + w.reg.Host, "expired at", "afresh"}},
		{name: "expired, seen by Entra", cfg: w.cfg(idtoken.Config{}), clock: time.Hour, target: providers.ErrDenied,
			want: []string{"AADSTS700024", "not within its valid time range", fix}},
		{name: "foreign signer", cfg: w.cfg(idtoken.Config{Env: "CI_TOKEN"}), env: map[string]string{"CI_TOKEN": w.iss.Forge(map[string]any{"sub": w.iss.Subject, "aud": aud, "exp": exp})},
			target: providers.ErrDenied, want: []string{"AADSTS700027", "signature", fix}},
		{name: "other subject", cfg: w.cfg(idtoken.Config{Env: "CI_TOKEN"}), env: map[string]string{"CI_TOKEN": w.iss.Token("repo:other/app:ref:refs/heads/main", aud, time.Hour)},
			target: providers.ErrDenied, want: []string{"AADSTS700213", "subject 'repo:other/app:ref:refs/heads/main'", `subject "repo:other/app:ref:refs/heads/main"`}},
		{name: "issuer not trusted", cfg: w.cfg(idtoken.Config{Env: "CI_TOKEN"}), env: map[string]string{"CI_TOKEN": stranger.Token(w.iss.Subject, aud, time.Hour)},
			target: providers.ErrDenied, want: []string{"AADSTS700211", "issuer '" + stranger.URL + "'", "issuer \"" + stranger.URL + "\""}},
		{name: "missing id-token permission", cfg: w.cfg(idtoken.Config{}), env: map[string]string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN": ""},
			target: providers.ErrNoIdentity, want: []string{"acr: " + w.reg.Host, "permissions: id-token: write"}},
		{name: "no tenant", cfg: Config{ClientID: w.app.ClientID, IDToken: &idtoken.Config{}}, env: map[string]string{"AZURE_TENANT_ID": ""},
			target: providers.ErrNoIdentity, want: []string{"idToken is set", "tenantId or AZURE_TENANT_ID"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := *w.harness
			h.env = maps.Clone(w.env)
			maps.Copy(h.env, tc.env)
			if tc.clock != 0 {
				w.cloud.SetClock(func() time.Time { return time.Now().Add(tc.clock) })
				defer w.cloud.SetClock(time.Now)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, err := h.provider(t, tc.cfg).Credential(ctx, providers.Request{Registry: w.reg.Host, Pattern: "*.azurecr.io"})
			testkit.WantErr(t, err, tc.target, tc.want...)
			for _, noise := range []string{"Trace ID", "Correlation ID", "Timestamp"} {
				assert.NotContains(t, err.Error(), noise, "Entra's trace noise reached the message")
			}
			testkit.AssertNoSecret(t, "error and log", err.Error()+w.logs.String(), w.secrets()...)
		})
	}
	assert.Zero(t, w.cloud.Entra.Requests("client_secret"), "the machine's service principal took part")
}

func TestIDTokenSettings(t *testing.T) {
	const client = "00000000-0000-0000-0000-0000000000aa"
	id := &idtoken.Config{}
	for _, tc := range []struct {
		name string
		cfg  Config
		want string // "" valid
	}{
		{name: "tenant, client and token", cfg: Config{TenantID: "contoso.onmicrosoft.com", ClientID: client, IDToken: id}},
		{name: "ids from the environment", cfg: Config{IDToken: id}},
		{name: "with a secret", cfg: Config{ClientID: client, ClientSecretFile: "/s", IDToken: id}, want: "does not go with clientSecretFile"},
		{name: "with an annotation", cfg: Config{ClientIDAnnotation: clientAnn, IDToken: id}, want: "does not go with clientSecretFile, certificateFile or clientIdAnnotation"},
		{name: "bad source", cfg: Config{IDToken: &idtoken.Config{From: "jenkins"}}, want: "idToken.from"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			testkit.WantErr(t, err, providers.ErrInvalid, "acr: ", tc.want)
		})
	}
	c, ok := Config{IDToken: id}.IdentityToken()
	require.True(t, ok)
	assert.Equal(t, "api://AzureADTokenExchange", c.Audience)
	_, ok = Config{ClientIDAnnotation: clientAnn}.IdentityToken()
	assert.False(t, ok, "kubelet service-account mode trades a token through the resolver")
	assert.True(t, Config{IDToken: id}.UsesPodIdentity(), "from: auto takes the pod's token")
	assert.False(t, Config{IDToken: &idtoken.Config{From: "github"}}.UsesPodIdentity(), "a CI token is not the pod's")
	assert.Equal(t, []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_AUTHORITY_HOST"}, Config{IDToken: id}.EnvKeys())
	assert.Empty(t, Config{IDToken: id}.IdentityFiles(testkit.Env{"HOME": "/home/ci"}.Lookup))
}
