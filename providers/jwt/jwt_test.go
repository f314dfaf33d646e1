package jwt

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/oidctest"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
	"github.com/regcred/regcred/providers/netdeps"
)

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "ok", cfg: Config{Username: "robot$ci"}},
		{name: "no username", cfg: Config{}, want: "username is required"},
		{name: "bad source", cfg: Config{Username: "u", IDToken: idtoken.Config{From: "x"}}, want: "jwt: invalid: idToken.from"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			testkit.WantErr(t, err, providers.ErrInvalid, tc.want)
		})
	}
}

func TestTheTokenIsThePassword(t *testing.T) {
	iss := oidctest.New(t)
	env := testkit.Env(iss.GitHubEnv())
	p, err := New(Config{Username: "robot$ci", IDToken: idtoken.Config{Audience: "harbor"}}, netdeps.Deps{Deps: providers.Deps{LookupEnv: env.Lookup}})
	require.NoError(t, err)
	cred, err := p.Credential(context.Background(), providers.Request{Registry: "harbor.example"})
	require.NoError(t, err)
	assert.Equal(t, "robot$ci", cred.Username)
	c, err := oidctest.Verifier{Issuer: iss.URL, Audience: "harbor"}.Verify(context.Background(), cred.Secret.Reveal())
	require.NoError(t, err, "the password is not a token the issuer signed for the audience")
	assert.Equal(t, c.Expiry, cred.ExpiresAt)

	p2, _ := New(Config{Username: "u"}, netdeps.Deps{Deps: providers.Deps{LookupEnv: testkit.Env{"GITHUB_ACTIONS": "true"}.Lookup}})
	_, err = p2.Credential(context.Background(), providers.Request{})
	testkit.WantErr(t, err, providers.ErrNoIdentity, "jwt:", "id-token: write")
}
