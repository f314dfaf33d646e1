package gcr

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
	"github.com/regcred/regcred/providers/gcr/gcrtest"
	"github.com/regcred/regcred/providers/idtoken"
)

const ciTarget = "ci-puller@proj.iam.gserviceaccount.com"

// keylessWorld is a CI (the fake issuer) whose tokens a pool provider of
// the fake Google trusts for one subject, a GitHub Actions job's
// environment, and a machine whose own Google identity (a key, a
// metadata server) must never take part.
type keylessWorld struct {
	*podWorld
	iss      *oidctest.Issuer
	provider *gcrtest.PoolProvider
}

func newKeylessWorld(t *testing.T) *keylessWorld {
	t.Helper()
	w := &keylessWorld{podWorld: newPodWorld(t), iss: oidctest.New(t)}
	w.provider = w.srv.TrustIssuer(w.iss.URL, "ci-pool", w.iss.Subject)
	w.srv.AllowImpersonation(w.provider.PrincipalOf(w.iss.Subject), ciTarget)
	maps.Copy(w.h.env, w.iss.GitHubEnv())
	return w
}

func (w *keylessWorld) cfg(id idtoken.Config, target string) Config {
	return Config{WorkloadIdentityProvider: w.provider.Provider, ImpersonateServiceAccount: target, IDToken: &id}
}

// TestIDTokenExchanges: the CI job's token, exchanged at STS for the pool
// provider and impersonated when the entry names a service account; the
// machine's own identity never.
func TestIDTokenExchanges(t *testing.T) {
	w := newKeylessWorld(t)
	for _, tc := range []struct {
		name      string
		cfg       Config
		principal string
		via       string
	}{
		{name: "federated token itself", cfg: w.cfg(idtoken.Config{From: "github"}, ""), principal: w.provider.PrincipalOf(w.iss.Subject), via: "sts"},
		{name: "impersonating the service account", cfg: w.cfg(idtoken.Config{}, ciTarget), principal: ciTarget, via: "iam"},
		{name: "audience named", cfg: w.cfg(idtoken.Config{Audience: w.provider.TokenAudience}, ciTarget), principal: ciTarget, via: "iam"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := w.get(t, tc.cfg, nil)
			require.NoError(t, err)
			assert.Equal(t, Username, cred.Username)
			issued, ok := w.srv.Lookup(cred.Secret.Reveal())
			require.True(t, ok, "the secret answered is not a token the fake issued")
			assert.Equal(t, tc.principal, issued.Principal)
			assert.Equal(t, tc.via, issued.Via)
			assert.Contains(t, w.h.logs.String(), "identity token from GitHub Actions")
			testkit.AssertNoSecret(t, "debug log", w.h.logs.String(), append(w.iss.Issued(), w.iss.RequestToken(), cred.Secret.Reveal())...)
		})
	}
	assert.Zero(t, w.md.TokenRequests(), "the machine's metadata server was asked")
	assert.Zero(t, w.srv.Requests("token"), "the machine's key was used")
}

// TestIDTokenRefusals: each refusal, by the CI, by regcred's own check or
// by STS, is classified and says what to change; none carries a token.
func TestIDTokenRefusals(t *testing.T) {
	w := newKeylessWorld(t)
	aud := w.provider.TokenAudience
	exp := time.Now().Add(time.Hour).Unix()
	for _, tc := range []struct {
		name   string
		cfg    Config
		env    map[string]string
		now    time.Time // regcred's clock; zero: now
		target error
		want   []string
	}{
		{name: "wrong audience", cfg: w.cfg(idtoken.Config{Audience: "sts.amazonaws.com"}, ""), target: providers.ErrDenied,
			want: []string{"invalid_grant", "The audience in ID Token [sts.amazonaws.com] does not match", "allow audience \"sts.amazonaws.com\" (idToken.audience)"}},
		{name: "expired, seen by regcred", cfg: w.cfg(idtoken.Config{Env: "CI_TOKEN"}, ""), env: map[string]string{"CI_TOKEN": w.iss.Token(w.iss.Subject, aud, -time.Hour)},
			target: providers.ErrNoIdentity, want: []string{"gcr: gcr.io", "expired at", "afresh"}},
		{name: "expired, seen by STS", cfg: w.cfg(idtoken.Config{Env: "CI_TOKEN"}, ""), env: map[string]string{"CI_TOKEN": w.iss.Token(w.iss.Subject, aud, -10*time.Minute)},
			now: time.Now().Add(-time.Hour), target: providers.ErrDenied, want: []string{"ID Token expired", "must trust issuer"}},
		{name: "foreign signer", cfg: w.cfg(idtoken.Config{Env: "CI_TOKEN"}, ""), env: map[string]string{"CI_TOKEN": w.iss.Forge(map[string]any{"sub": w.iss.Subject, "aud": aud, "exp": exp})},
			target: providers.ErrDenied, want: []string{"Invalid JWT signature", "must trust issuer \"" + w.iss.URL + "\""}},
		{name: "other subject", cfg: w.cfg(idtoken.Config{Env: "CI_TOKEN"}, ""), env: map[string]string{"CI_TOKEN": w.iss.Token("repo:other/app:ref:refs/heads/main", aud, time.Hour)},
			target: providers.ErrDenied, want: []string{"unauthorized_client", "attribute condition", `subject "repo:other/app:ref:refs/heads/main"`}},
		{name: "missing id-token permission", cfg: w.cfg(idtoken.Config{}, ""), env: map[string]string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN": ""},
			target: providers.ErrNoIdentity, want: []string{"gcr: gcr.io", "permissions: id-token: write"}},
		{name: "impersonation not granted", cfg: w.cfg(idtoken.Config{}, "other@proj.iam.gserviceaccount.com"), target: providers.ErrDenied,
			want: []string{"may not impersonate other@proj.iam.gserviceaccount.com", "roles/iam.workloadIdentityUser"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := *w.h
			h.env = maps.Clone(w.h.env)
			maps.Copy(h.env, tc.env)
			if !tc.now.IsZero() {
				h.now = func() time.Time { return tc.now }
			}
			tc.cfg.STSEndpoint, tc.cfg.IAMCredentialsEndpoint = w.srv.URL, w.srv.IAMCredentialsURL()
			_, err := h.provider(t, tc.cfg).Credential(context.Background(), providers.Request{Registry: "gcr.io", Pattern: "gcr.io"})
			testkit.WantErr(t, err, tc.target, tc.want...)
			testkit.AssertNoSecret(t, "error and log", err.Error()+w.h.logs.String(), append(append(w.iss.Issued(), w.iss.RequestToken()), w.srv.IssuedTokens()...)...)
		})
	}
	assert.Zero(t, w.md.TokenRequests(), "the machine's metadata server was asked")
}

func TestIDTokenSettings(t *testing.T) {
	id := &idtoken.Config{}
	for _, tc := range []struct {
		name string
		cfg  Config
		want string // "" valid
	}{
		{name: "provider and token", cfg: Config{WorkloadIdentityProvider: wip, IDToken: id}},
		{name: "with a service account", cfg: Config{WorkloadIdentityProvider: wip, ImpersonateServiceAccount: ciTarget, IDToken: id}},
		{name: "no provider", cfg: Config{IDToken: id}, want: "idToken needs workloadIdentityProvider"},
		{name: "with an annotation", cfg: Config{WorkloadIdentityProvider: wip, ServiceAccountAnnotation: gsaAnnotation, IDToken: id}, want: "does not combine with workloadIdentityProviderAnnotation or serviceAccountAnnotation"},
		{name: "with a key file", cfg: Config{WorkloadIdentityProvider: wip, CredentialsFile: "/k.json", IDToken: id}, want: "does not combine with credentialsFile"},
		{name: "bad source", cfg: Config{WorkloadIdentityProvider: wip, IDToken: &idtoken.Config{From: "jenkins"}}, want: "idToken.from"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			testkit.WantErr(t, err, providers.ErrInvalid, "gcr: ", tc.want)
		})
	}
	c, ok := Config{WorkloadIdentityProvider: wip, IDToken: id}.IdentityToken()
	require.True(t, ok)
	assert.Equal(t, "https:"+wip, c.Audience, "the pool provider's default allowed audience")
	_, ok = Config{WorkloadIdentityProvider: wip}.IdentityToken()
	assert.False(t, ok, "kubelet service-account mode trades a token through the resolver")
	assert.True(t, Config{WorkloadIdentityProvider: wip, IDToken: id}.UsesPodIdentity(), "from: auto takes the pod's token")
	assert.False(t, Config{WorkloadIdentityProvider: wip, IDToken: &idtoken.Config{From: "github"}}.UsesPodIdentity(), "a CI token is not the pod's")
	assert.Nil(t, Config{WorkloadIdentityProvider: wip, IDToken: id}.EnvKeys(), "the token's claims key the cache, not the environment")
	assert.Empty(t, Config{WorkloadIdentityProvider: wip, IDToken: id}.IdentityFiles(testkit.Env{"HOME": "/home/ci"}.Lookup))
	assert.Equal(t, "identity token (idToken) exchanged at "+wip+", impersonating "+ciTarget, Config{WorkloadIdentityProvider: wip, ImpersonateServiceAccount: ciTarget, IDToken: id}.IdentitySource())
}
