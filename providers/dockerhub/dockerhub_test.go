package dockerhub

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/oidctest"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/dockerhub/dockerhubtest"
	"github.com/regcred/regcred/providers/idtoken"
	"github.com/regcred/regcred/providers/netdeps"
)

const connID = "0b8a2e6c-3f6e-4c2d-9a51-1d7e8f9a0b1c"

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "ok", cfg: Config{Org: "acme", ConnectionID: connID}},
		{name: "no org", cfg: Config{ConnectionID: connID}, want: "org is required"},
		{name: "no connection", cfg: Config{Org: "acme"}, want: "connectionId"},
		{name: "connection not a UUID", cfg: Config{Org: "acme", ConnectionID: "abc"}, want: "a UUID"},
		{name: "plain http", cfg: Config{Org: "acme", ConnectionID: connID, URL: "http://identity.example"}, want: "plain http"},
		{name: "bad idToken", cfg: Config{Org: "acme", ConnectionID: connID, IDToken: idtoken.Config{From: "x"}}, want: "idToken.from"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			testkit.WantErr(t, err, providers.ErrInvalid, "dockerhub: ", tc.want)
		})
	}
	c, _ := Config{Org: "acme", ConnectionID: connID}.IdentityToken()
	assert.Equal(t, DefaultURL, c.Audience, "the default audience is not the identity service's")
}

func credential(t *testing.T, cfg Config, env map[string]string, registry string) (providers.Credential, error) {
	p, err := New(cfg, netdeps.Deps{Deps: providers.Deps{LookupEnv: testkit.Env(env).Lookup}})
	require.NoError(t, err)
	return p.Credential(context.Background(), providers.Request{Registry: registry})
}

func TestExchange(t *testing.T) {
	iss := oidctest.New(t)
	fake := dockerhubtest.New(t)
	fake.AddConnection(connID, dockerhubtest.Connection{Issuer: iss.URL, Subject: iss.Subject})
	cred, err := credential(t, Config{Org: "acme", ConnectionID: connID, URL: fake.URL}, iss.GitHubEnv(), "docker.io")
	require.NoError(t, err)
	assert.Equal(t, "acme", cred.Username)
	assert.Equal(t, fake.Issued(), []string{cred.Secret.Reveal()})
	assert.WithinDuration(t, time.Now().Add(time.Hour), cred.ExpiresAt, time.Minute)
}

func TestRefusals(t *testing.T) {
	iss := oidctest.New(t)
	fake := dockerhubtest.New(t)
	fake.AddConnection(connID, dockerhubtest.Connection{Issuer: iss.URL, Subject: iss.Subject})
	other := "11111111-2222-3333-4444-555555555555"
	foreign := iss.Forge(map[string]any{"sub": iss.Subject, "aud": fake.URL, "exp": time.Now().Add(time.Hour).Unix()})
	for _, tc := range []struct {
		name, registry string
		cfg            Config
		env            map[string]string
		want           error
		says           []string
	}{
		{name: "not Docker Hub", registry: "ghcr.io", cfg: Config{}, env: iss.GitHubEnv(), want: providers.ErrInvalid, says: []string{"only sent to docker.io"}},
		{name: "wrong audience", cfg: Config{IDToken: idtoken.Config{Audience: "https://identity.docker.com"}}, env: iss.GitHubEnv(),
			want: providers.ErrDenied, says: []string{"audience mismatch", "idToken.audience"}},
		{name: "foreign signer", cfg: Config{IDToken: idtoken.Config{Env: "T"}}, env: map[string]string{"T": foreign},
			want: providers.ErrDenied, says: []string{"signature verification failed", "must trust issuer"}},
		{name: "unknown connection", cfg: Config{ConnectionID: other}, env: iss.GitHubEnv(), want: providers.ErrDenied, says: []string{"connection " + other, "unknown connection"}},
		{name: "missing id-token permission", cfg: Config{}, env: map[string]string{"GITHUB_ACTIONS": "true"}, want: providers.ErrNoIdentity, says: []string{"id-token: write"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Org, tc.cfg.URL = "acme", fake.URL
			if tc.cfg.ConnectionID == "" {
				tc.cfg.ConnectionID = connID
			}
			reg := tc.registry
			if reg == "" {
				reg = "docker.io"
			}
			_, err := credential(t, tc.cfg, tc.env, reg)
			testkit.WantErr(t, err, tc.want, append([]string{"dockerhub: "}, tc.says...)...)
			testkit.AssertNoSecret(t, "error", err.Error(), append(iss.Issued(), foreign, iss.RequestToken())...)
		})
	}
	assert.Empty(t, fake.Issued())
}
