package vault_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/oidctest"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
	"github.com/regcred/regcred/providers/vault"
	"github.com/regcred/regcred/providers/vault/vaulttest"
)

// A jwt login with idToken logs in with the CI job's identity token,
// fetched from the CI; no token file is written or named.
func TestJWTLoginWithIDToken(t *testing.T) {
	iss := oidctest.New(t)
	for _, tc := range []struct {
		name     string
		audience string
		env      map[string]string
		want     error
		says     []string
	}{
		{name: "github", audience: "https://vault.example.com"},
		{name: "wrong audience", audience: "sts.amazonaws.com", want: providers.ErrDenied, says: []string{"audience claim does not match"}},
		{name: "missing id-token permission", audience: "https://vault.example.com", env: map[string]string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN": ""},
			want: providers.ErrNoIdentity, says: []string{"auth.idToken", "permissions: id-token: write"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			root := h.vault.Root()
			root.MountKV("secret", 2)
			root.PutKV("secret", "registry", map[string]any{"username": "robot", "password": loginPass})
			root.Policy("reader", "secret/data/registry")
			j := root.EnableJWT("jwt", iss.PublicKey())
			j.BoundIssuer(iss.URL)
			j.Role("ci", vaulttest.JWTRole{BoundAudiences: []string{"https://vault.example.com"}, BoundSubject: iss.Subject, TTL: time.Hour, Policies: []string{"reader"}})
			for k, v := range iss.GitHubEnv() {
				h.env[k] = v
			}
			for k, v := range tc.env {
				h.env[k] = v
			}
			p := h.provider(t, vault.Config{Path: "secret/registry", Auth: vault.Auth{Method: "jwt", Role: "ci", IDToken: &idtoken.Config{From: "github", Audience: tc.audience}}})
			cred, err := p.Credential(t.Context(), providers.Request{})
			h.noSecrets(t, err, append(iss.Issued(), iss.RequestToken(), loginPass)...)
			if tc.want != nil {
				testkit.WantErr(t, err, tc.want, tc.says...)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, loginPass, cred.Secret.Reveal())
		})
	}
}

func TestIDTokenSettings(t *testing.T) {
	for _, tc := range []struct {
		name string
		auth vault.Auth
		want string
	}{
		{name: "not for approle", auth: vault.Auth{Method: "approle", RoleID: "r", IDToken: &idtoken.Config{}}, want: "auth.idToken is not used by the approle method"},
		{name: "not with jwtFile", auth: vault.Auth{Method: "jwt", JWTFile: "/run/t", IDToken: &idtoken.Config{}}, want: "drop auth.jwtFile"},
		{name: "bad source", auth: vault.Auth{Method: "jwt", IDToken: &idtoken.Config{From: "x"}}, want: "idToken.from"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testkit.WantErr(t, vault.Config{Address: "https://vault.example", Path: "secret/x", Auth: tc.auth}.Validate(), providers.ErrInvalid, tc.want)
		})
	}
	c := vault.Config{Auth: vault.Auth{Method: "jwt", IDToken: &idtoken.Config{From: "github"}}}
	_, ok := c.IdentityToken()
	assert.True(t, ok)
	assert.False(t, c.UsesPodIdentity(), "a GitHub token is not the pod's")
	_, ok = vault.Config{Auth: vault.Auth{Method: "jwt"}}.IdentityToken()
	assert.False(t, ok)
}
