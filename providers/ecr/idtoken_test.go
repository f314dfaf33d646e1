package ecr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/oidctest"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
	"github.com/regcred/regcred/providers/idtoken"
)

// keylessCloud is an account whose role trusts the CI issuer's tokens for
// one subject and audience, and a CI job's environment.
func keylessCloud(t *testing.T) (*ecrtest.Cloud, *oidctest.Issuer, string) {
	isolate(t)
	iss := oidctest.New(t)
	cloud := ecrtest.New(t)
	t.Setenv("AWS_ENDPOINT_URL_STS", cloud.STSURL())
	for k, v := range iss.GitHubEnv() {
		t.Setenv(k, v)
	}
	role := cloud.NewRole("ci-puller", ecrtest.Trust{OIDC: &ecrtest.OIDCTrust{Issuer: iss.URL, Audience: DefaultAudience, Subject: iss.Subject}})
	return cloud, iss, role
}

func TestIDTokenAssumesTheRole(t *testing.T) {
	cloud, iss, role := keylessCloud(t)
	p, logs := newProvider(t, Config{Endpoint: cloud.ECRURL(), RoleARN: role, IDToken: &idtoken.Config{From: "github"}})
	cred := mustGet(t, p, cloud, testHost)
	assert.Equal(t, "AWS", cred.Username)
	assert.Equal(t, 1, cloud.Calls(ecrtest.AssumeRoleWithWebIdentity))
	assert.Contains(t, logs.String(), "AssumeRoleWithWebIdentity "+role+" (identity token from GitHub Actions")
	testkit.AssertNoSecret(t, "log", logs.String(), append(iss.Issued(), iss.RequestToken(), cred.Secret.Reveal())...)
}

func TestIDTokenRefusals(t *testing.T) {
	for _, tc := range []struct {
		name     string
		audience string
		env      map[string]string
		want     error
		says     []string
	}{
		{name: "wrong audience", audience: "jfrog", want: providers.ErrDenied,
			says: []string{"InvalidIdentityToken: Incorrect token audience", `aud "jfrog"`, "IAM OIDC provider", "idToken.audience"}},
		{name: "missing id-token permission", env: map[string]string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN": ""}, want: providers.ErrNoIdentity,
			says: []string{"permissions: id-token: write"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cloud, iss, role := keylessCloud(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			p, logs := newProvider(t, Config{Endpoint: cloud.ECRURL(), RoleARN: role, IDToken: &idtoken.Config{Audience: tc.audience}})
			_, err := get(p, testHost)
			testkit.WantErr(t, err, tc.want, append([]string{"ecr: " + testHost}, tc.says...)...)
			testkit.AssertNoSecret(t, "error and log", err.Error()+logs.String(), append(iss.Issued(), iss.RequestToken())...)
		})
	}
	t.Run("other subject", func(t *testing.T) {
		cloud, iss, _ := keylessCloud(t)
		role := cloud.NewRole("main-only", ecrtest.Trust{OIDC: &ecrtest.OIDCTrust{Issuer: iss.URL, Audience: DefaultAudience, Subject: "repo:x/y:ref:refs/heads/main"}})
		p, _ := newProvider(t, Config{Endpoint: cloud.ECRURL(), RoleARN: role, IDToken: &idtoken.Config{}})
		_, err := get(p, testHost)
		testkit.WantErr(t, err, providers.ErrDenied, "AccessDenied", "sub condition matching \""+iss.Subject+"\"")
	})
}

func TestIDTokenValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "no role", cfg: Config{IDToken: &idtoken.Config{}}, want: "needs roleArn"},
		{name: "external id", cfg: Config{RoleARN: "arn:aws:iam::123456789012:role/r", ExternalID: "xx", IDToken: &idtoken.Config{}}, want: "does not apply with idToken"},
		{name: "bad source", cfg: Config{RoleARN: "arn:aws:iam::123456789012:role/r", IDToken: &idtoken.Config{From: "x"}}, want: "idToken.from"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testkit.WantErr(t, tc.cfg.Validate(), providers.ErrInvalid, tc.want)
		})
	}
	c, ok := Config{RoleARN: "arn:aws:iam::123456789012:role/r", IDToken: &idtoken.Config{}}.IdentityToken()
	require.True(t, ok)
	assert.Equal(t, DefaultAudience, c.Audience)
	_, ok = Config{}.IdentityToken()
	assert.False(t, ok, "an entry without idToken trades a token")
}
