package jfrog

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/oidctest"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
	"github.com/regcred/regcred/providers/jfrog/jfrogtest"
	"github.com/regcred/regcred/providers/netdeps"
)

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "ok", cfg: Config{URL: "https://acme.jfrog.io", ProviderName: "github"}},
		{name: "loopback http", cfg: Config{URL: "http://127.0.0.1:8081", ProviderName: "github"}},
		{name: "no url", cfg: Config{ProviderName: "github"}, want: "url is required"},
		{name: "no provider", cfg: Config{URL: "https://acme.jfrog.io"}, want: "providerName is required"},
		{name: "plain http", cfg: Config{URL: "http://acme.jfrog.io", ProviderName: "p"}, want: "plain http"},
		{name: "userinfo", cfg: Config{URL: "https://u:secret@acme.jfrog.io", ProviderName: "p"}, want: "user info"},
		{name: "bad idToken", cfg: Config{URL: "https://acme.jfrog.io", ProviderName: "p", IDToken: idtoken.Config{From: "env"}}, want: "idToken.env"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			testkit.WantErr(t, err, providers.ErrInvalid, "jfrog: ", tc.want)
			assert.NotContains(t, err.Error(), "secret")
		})
	}
}

type world struct {
	iss  *oidctest.Issuer
	fake *jfrogtest.Server
	cfg  Config
}

func newWorld(t *testing.T) world {
	iss := oidctest.New(t)
	fake := jfrogtest.New(t)
	fake.AddIntegration("github-oidc", jfrogtest.Integration{Issuer: iss.URL, Audience: "jfrog-github",
		Mappings: []jfrogtest.Mapping{{Name: "main", Subject: iss.Subject, Username: "ci-puller"}}})
	return world{iss: iss, fake: fake, cfg: Config{URL: fake.URL + "/", ProviderName: "github-oidc", IDToken: idtoken.Config{From: "github", Audience: "jfrog-github"}}}
}

func (w world) credential(t *testing.T, cfg Config, env map[string]string) (providers.Credential, error) {
	clock := testkit.NewClock(time.Now())
	p, err := New(cfg, netdeps.Deps{Deps: providers.Deps{LookupEnv: testkit.Env(env).Lookup, Now: clock.Now}})
	require.NoError(t, err)
	return p.Credential(context.Background(), providers.Request{Registry: "acme.jfrog.io"})
}

func TestExchange(t *testing.T) {
	w := newWorld(t)
	before := time.Now()
	cred, err := w.credential(t, w.cfg, w.iss.GitHubEnv())
	require.NoError(t, err)
	assert.Equal(t, "ci-puller", cred.Username)
	assert.Equal(t, w.fake.Issued(), []string{cred.Secret.Reveal()})
	assert.WithinDuration(t, before.Add(time.Hour), cred.ExpiresAt, time.Minute)
}

func TestRefusals(t *testing.T) {
	w := newWorld(t)
	w.fake.AddIntegration("project-only", jfrogtest.Integration{Issuer: w.iss.URL,
		Mappings: []jfrogtest.Mapping{{Name: "p", Subject: w.iss.Subject, Username: "u", ProjectKey: "app"}}})
	with := func(f func(*Config)) Config { c := w.cfg; f(&c); return c }
	foreign := w.iss.Forge(map[string]any{"sub": w.iss.Subject, "aud": "jfrog-github", "exp": time.Now().Add(time.Hour).Unix()})
	for _, tc := range []struct {
		name string
		cfg  Config
		env  map[string]string
		want error
		says []string
	}{
		{name: "wrong audience", cfg: with(func(c *Config) { c.IDToken.Audience = "sts.amazonaws.com" }), env: w.iss.GitHubEnv(),
			want: providers.ErrDenied, says: []string{"refused the identity token", "audience mismatch", `aud "sts.amazonaws.com"`, "idToken.audience", `integration "github-oidc"`}},
		{name: "expired token", cfg: with(func(c *Config) { c.IDToken = idtoken.Config{Env: "CI_ID_TOKEN"} }),
			env:  map[string]string{"CI_ID_TOKEN": w.iss.Token(w.iss.Subject, "jfrog-github", -time.Hour)},
			want: providers.ErrNoIdentity, says: []string{"variable CI_ID_TOKEN", "expired at", "afresh"}},
		{name: "foreign signer", cfg: with(func(c *Config) { c.IDToken = idtoken.Config{Env: "CI_ID_TOKEN"} }), env: map[string]string{"CI_ID_TOKEN": foreign},
			want: providers.ErrDenied, says: []string{"signature verification failed", "must name issuer"}},
		{name: "missing id-token permission", cfg: w.cfg, env: map[string]string{"GITHUB_ACTIONS": "true"},
			want: providers.ErrNoIdentity, says: []string{"permissions: id-token: write"}},
		{name: "unknown integration", cfg: with(func(c *Config) { c.ProviderName = "gitlab" }), env: w.iss.GitHubEnv(),
			want: providers.ErrDenied, says: []string{"'gitlab' not found"}},
		{name: "no mapping for the subject", cfg: with(func(c *Config) { c.IDToken = idtoken.Config{Env: "CI_ID_TOKEN"} }),
			env:  map[string]string{"CI_ID_TOKEN": w.iss.Token("repo:other/app:ref:refs/heads/main", "jfrog-github", time.Hour)},
			want: providers.ErrDenied, says: []string{"No identity mapping", `sub "repo:other/app`}},
		{name: "project scope", cfg: with(func(c *Config) { c.ProviderName = "project-only"; c.IDToken.Audience = "" }), env: w.iss.GitHubEnv(),
			want: providers.ErrDenied, says: []string{"HTTP 403", "another project"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.credential(t, tc.cfg, tc.env)
			testkit.WantErr(t, err, tc.want, append([]string{"jfrog: " + w.fake.URL}, tc.says...)...)
			testkit.AssertNoSecret(t, "error", err.Error(), append(w.iss.Issued(), w.iss.RequestToken(), foreign)...)
		})
	}
	assert.Zero(t, w.fake.Exchanges(), "a refused exchange issued a token")
}
