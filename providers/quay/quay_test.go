package quay

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/oidctest"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
	"github.com/regcred/regcred/providers/netdeps"
	"github.com/regcred/regcred/providers/quay/quaytest"
)

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "ok", cfg: Config{Robot: "acme+ci"}},
		{name: "with url", cfg: Config{Robot: "acme+ci", URL: "https://quay.example"}},
		{name: "no robot", cfg: Config{}, want: "<org>+<name>"},
		{name: "user not robot", cfg: Config{Robot: "alice"}, want: "<org>+<name>"},
		{name: "plain http", cfg: Config{Robot: "a+b", URL: "http://quay.example"}, want: "plain http"},
		{name: "bad idToken", cfg: Config{Robot: "a+b", IDToken: idtoken.Config{From: "file"}}, want: "idToken.file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			testkit.WantErr(t, err, providers.ErrInvalid, "quay: ", tc.want)
		})
	}
}

func credential(t *testing.T, cfg Config, env map[string]string, client *http.Client) (providers.Credential, error) {
	p, err := New(cfg, netdeps.Deps{HTTPClient: client, Deps: providers.Deps{LookupEnv: testkit.Env(env).Lookup}})
	require.NoError(t, err)
	return p.Credential(context.Background(), providers.Request{Registry: "quay.example"})
}

func TestRobotToken(t *testing.T) {
	iss := oidctest.New(t)
	fake := quaytest.New(t)
	fake.AddRobot("acme+ci", quaytest.Federation{Issuer: iss.URL, Subject: iss.Subject})
	cred, err := credential(t, Config{Robot: "acme+ci", URL: fake.URL, IDToken: idtoken.Config{Audience: "quay.example"}}, iss.GitHubEnv(), nil)
	require.NoError(t, err)
	assert.Equal(t, "acme+ci", cred.Username)
	assert.Equal(t, fake.Issued(), []string{cred.Secret.Reveal()})
	assert.WithinDuration(t, time.Now().Add(time.Hour), cred.ExpiresAt, time.Minute, "the robot token's exp")
}

type recordURL struct{ got string }

func (r *recordURL) RoundTrip(req *http.Request) (*http.Response, error) {
	r.got = req.URL.String()
	return nil, errors.New("no network here")
}

func TestURLDefaultsToTheRegistry(t *testing.T) {
	iss := oidctest.New(t)
	rt := &recordURL{}
	env := map[string]string{"T": iss.Token("s", "a", time.Hour)}
	_, err := credential(t, Config{Robot: "acme+ci", IDToken: idtoken.Config{Env: "T"}}, env, &http.Client{Transport: rt})
	testkit.WantErr(t, err, providers.ErrUnavailable, "quay: https://quay.example: robot acme+ci")
	assert.Equal(t, "https://quay.example/oauth2/federation/robot/token", rt.got)
}

func TestRefusals(t *testing.T) {
	iss := oidctest.New(t)
	fake := quaytest.New(t)
	fake.AddRobot("acme+ci", quaytest.Federation{Issuer: iss.URL, Subject: iss.Subject})
	fake.AddRobot("acme+bare")
	foreign := iss.Forge(map[string]any{"sub": iss.Subject, "aud": "q", "exp": time.Now().Add(time.Hour).Unix()})
	envTok := func(tok string) map[string]string { return map[string]string{"T": tok} }
	fromEnv := idtoken.Config{Env: "T"}
	for _, tc := range []struct {
		name string
		cfg  Config
		env  map[string]string
		want error
		says []string
	}{
		{name: "foreign signer", cfg: Config{Robot: "acme+ci", IDToken: fromEnv}, env: envTok(foreign),
			want: providers.ErrDenied, says: []string{"Quay refused", "signature verification failed", "must name issuer"}},
		{name: "other subject", cfg: Config{Robot: "acme+ci", IDToken: fromEnv}, env: envTok(iss.Token("repo:evil/x", "q", time.Hour)),
			want: providers.ErrDenied, says: []string{"subject does not match", `subject "repo:evil/x"`}},
		{name: "robot without federation", cfg: Config{Robot: "acme+bare", IDToken: fromEnv}, env: envTok(iss.Token(iss.Subject, "q", time.Hour)),
			want: providers.ErrDenied, says: []string{"robot acme+bare", "no federation"}},
		{name: "expired token", cfg: Config{Robot: "acme+ci", IDToken: fromEnv}, env: envTok(iss.Token(iss.Subject, "q", -time.Hour)),
			want: providers.ErrNoIdentity, says: []string{"expired at"}},
		{name: "wrong audience asked", cfg: Config{Robot: "acme+ci", IDToken: idtoken.Config{Env: "T", Audience: "quay.example"}}, env: envTok(iss.Token(iss.Subject, "sts.amazonaws.com", time.Hour)),
			want: providers.ErrNoIdentity, says: []string{`for audience "sts.amazonaws.com", not "quay.example"`}},
		{name: "missing id-token permission", cfg: Config{Robot: "acme+ci"}, env: map[string]string{"GITHUB_ACTIONS": "true"},
			want: providers.ErrNoIdentity, says: []string{"permissions: id-token: write"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.URL = fake.URL
			_, err := credential(t, tc.cfg, tc.env, nil)
			testkit.WantErr(t, err, tc.want, append([]string{"quay: " + fake.URL}, tc.says...)...)
			testkit.AssertNoSecret(t, "error", err.Error(), append(iss.Issued(), foreign)...)
		})
	}
	assert.Empty(t, fake.Issued())
}
