package idtoken

import (
	"context"
	"maps"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/oidctest"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

func deps(env testkit.Env) netdeps.Deps {
	return netdeps.Deps{Deps: providers.Deps{LookupEnv: env.Lookup}}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string // "" valid
	}{
		{name: "empty is auto", cfg: Config{}},
		{name: "github", cfg: Config{From: "github", Audience: "a"}},
		{name: "env implied", cfg: Config{Env: "CI_TOKEN"}},
		{name: "file implied", cfg: Config{File: "/run/token"}},
		{name: "unknown source", cfg: Config{From: "jenkins"}, want: `idToken.from "jenkins"`},
		{name: "env without name", cfg: Config{From: "env"}, want: "idToken.env"},
		{name: "env name a secret", cfg: Config{From: "env", Env: "eyJhbGciOi.abc"}, want: "not a variable name"},
		{name: "file without path", cfg: Config{From: "file"}, want: "idToken.file"},
		{name: "both", cfg: Config{Env: "A", File: "/b"}, want: "not both"},
		{name: "env with github", cfg: Config{From: "github", Env: "A"}, want: "go with from: env"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			testkit.WantErr(t, err, providers.ErrInvalid, tc.want)
			assert.NotContains(t, err.Error(), "eyJhbGciOi", "the value typed as a name is shown")
		})
	}
}

func TestFetchFromEachSource(t *testing.T) {
	iss := oidctest.New(t)
	envTok := iss.Token("env-sub", "reg", time.Minute)
	file := filepath.Join(t.TempDir(), "token")
	testkit.WriteFileMode(t, file, iss.Token("file-sub", "reg", time.Minute)+"\n", 0o600)
	for _, tc := range []struct {
		name     string
		cfg      Config
		env      map[string]string
		sub, aud string
	}{
		{name: "github with audience", cfg: Config{From: "github", Audience: "reg"}, env: iss.GitHubEnv(), sub: iss.Subject, aud: "reg"},
		{name: "github default audience", cfg: Config{From: "github"}, env: iss.GitHubEnv(), sub: iss.Subject, aud: oidctest.DefaultAudience},
		{name: "auto on github", cfg: Config{Audience: "reg"}, env: iss.GitHubEnv(), sub: iss.Subject, aud: "reg"},
		{name: "buildkite", cfg: Config{From: "buildkite", Audience: "reg"}, env: iss.BuildkiteEnv(), sub: iss.Subject, aud: "reg"},
		{name: "auto on buildkite", cfg: Config{Audience: "reg"}, env: iss.BuildkiteEnv(), sub: iss.Subject, aud: "reg"},
		{name: "env", cfg: Config{Env: "GITLAB_ID_TOKEN", Audience: "reg"}, env: map[string]string{"GITLAB_ID_TOKEN": envTok}, sub: "env-sub", aud: "reg"},
		{name: "auto on circleci", cfg: Config{}, env: map[string]string{"CIRCLECI": "true", "CIRCLE_OIDC_TOKEN_V2": envTok}, sub: "env-sub", aud: "reg"},
		{name: "auto on bitbucket", cfg: Config{}, env: map[string]string{"BITBUCKET_BUILD_NUMBER": "7", "BITBUCKET_STEP_OIDC_TOKEN": envTok}, sub: "env-sub", aud: "reg"},
		{name: "file", cfg: Config{File: file}, sub: "file-sub", aud: "reg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, tc.cfg.Validate())
			tok, err := New(tc.cfg, deps(tc.env)).Fetch(context.Background())
			require.NoError(t, err)
			assert.Equal(t, iss.URL, tok.Issuer)
			assert.Equal(t, tc.sub, tok.Subject)
			assert.Equal(t, []string{tc.aud}, tok.Audience)
			assert.WithinDuration(t, time.Now().Add(time.Minute), tok.Expiry, 5*time.Minute)
			assert.Contains(t, iss.Issued(), tok.Token.Reveal())
			assert.NotContains(t, tok.Claims(), tok.Token.Reveal())
		})
	}
}

func TestRefusals(t *testing.T) {
	iss := oidctest.New(t)
	gh := iss.GitHubEnv()
	noToken := maps.Clone(gh)
	delete(noToken, "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	wrongToken := maps.Clone(gh)
	wrongToken["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "ci-request-stolen"
	plain := maps.Clone(gh)
	plain["ACTIONS_ID_TOKEN_REQUEST_URL"] = "http://ci.example/idtoken?x=1"
	for _, tc := range []struct {
		name string
		cfg  Config
		env  map[string]string
		want error
		says []string
	}{
		{name: "no id-token permission", cfg: Config{From: "github"}, env: map[string]string{"GITHUB_ACTIONS": "true"},
			want: providers.ErrNoIdentity, says: []string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "permissions: id-token: write"}},
		{name: "request token missing", cfg: Config{}, env: noToken, want: providers.ErrNoIdentity, says: []string{"id-token: write"}},
		{name: "request token refused", cfg: Config{From: "github"}, env: wrongToken, want: providers.ErrDenied, says: []string{"refused", "HTTP 401", "id-token: write"}},
		{name: "plain http endpoint", cfg: Config{From: "github"}, env: plain, want: providers.ErrInvalid, says: []string{"https", "ci.example"}},
		{name: "buildkite without agent", cfg: Config{From: "buildkite"}, env: map[string]string{"BUILDKITE": "true"}, want: providers.ErrNoIdentity, says: []string{"BUILDKITE_AGENT_ACCESS_TOKEN"}},
		{name: "expired env token", cfg: Config{Env: "T"}, env: map[string]string{"T": iss.Token("s", "reg", -time.Hour)},
			want: providers.ErrNoIdentity, says: []string{"variable T", "expired at", `sub "s"`, "afresh"}},
		{name: "other audience", cfg: Config{Env: "T", Audience: "reg"}, env: map[string]string{"T": iss.Token("s", "other", time.Hour)},
			want: providers.ErrNoIdentity, says: []string{`for audience "other", not "reg"`, "id_tokens"}},
		{name: "unset variable", cfg: Config{Env: "T"}, want: providers.ErrNoIdentity, says: []string{"variable T", "not set"}},
		{name: "not a JWT", cfg: Config{Env: "T"}, env: map[string]string{"T": "glpat-abcdef"}, want: providers.ErrInvalid, says: []string{"not a JWT"}},
		{name: "missing file", cfg: Config{File: "/nonexistent/token"}, want: providers.ErrNoIdentity, says: []string{"/nonexistent/token", "does not exist"}},
		{name: "gitlab auto", cfg: Config{}, env: map[string]string{"GITLAB_CI": "true"}, want: providers.ErrNoIdentity, says: []string{"id_tokens", "from: env"}},
		{name: "no CI", cfg: Config{}, want: providers.ErrNoIdentity, says: []string{"no identity token source", "GITHUB_ACTIONS"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, deps(tc.env)).Fetch(context.Background())
			testkit.WantErr(t, err, tc.want, tc.says...)
			testkit.AssertNoSecret(t, "error", err.Error(), append(iss.Issued(), iss.RequestToken(), "glpat-abcdef")...)
		})
	}
}

func TestForPrefersTheRequestsToken(t *testing.T) {
	iss := oidctest.New(t)
	s := New(Config{}, deps(nil))
	given := &providers.IdentityToken{Token: "given", Subject: "resolver"}
	tok, err := s.For(context.Background(), providers.Request{IdentityToken: given})
	require.NoError(t, err)
	assert.Equal(t, "resolver", tok.Subject)
	pod := iss.Token("system:serviceaccount:ns:app", "sts.amazonaws.com", time.Hour)
	tok, err = s.For(context.Background(), providers.Request{ServiceAccount: &providers.ServiceAccount{Token: providers.Secret(pod)}})
	require.NoError(t, err)
	assert.Equal(t, "system:serviceaccount:ns:app", tok.Subject, "auto takes the pod's token in kubelet mode")
	_, err = New(Config{Audience: "jfrog"}, deps(nil)).For(context.Background(), providers.Request{ServiceAccount: &providers.ServiceAccount{Token: providers.Secret(pod)}})
	testkit.WantErr(t, err, providers.ErrNoIdentity, `for audience "sts.amazonaws.com", not "jfrog"`, "serviceAccountTokenAudience")
	_, err = New(Config{From: "github"}, deps(nil)).For(context.Background(), providers.Request{ServiceAccount: &providers.ServiceAccount{Token: providers.Secret(pod)}})
	testkit.WantErr(t, err, providers.ErrNoIdentity, "id-token: write")
}

func TestDescribeFetchesNothing(t *testing.T) {
	iss := oidctest.New(t)
	assert.Contains(t, New(Config{Audience: "reg"}, deps(iss.GitHubEnv())).Describe(), `GitHub Actions' ID token endpoint ($ACTIONS_ID_TOKEN_REQUEST_URL), audience "reg"`)
	assert.Contains(t, New(Config{}, deps(iss.BuildkiteEnv())).Describe(), "Buildkite")
	assert.Contains(t, New(Config{Env: "T"}, deps(nil)).Describe(), "variable T")
	assert.Contains(t, New(Config{}, deps(nil)).Describe(), "nowhere yet")
	assert.Zero(t, iss.Asks(), "Describe asked the CI for a token")
}

func TestDefaulted(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  *Config
		ok   bool
		want string
	}{
		{name: "no idToken", cfg: nil},
		{name: "audience given", cfg: &Config{Audience: "mine"}, ok: true, want: "mine"},
		{name: "kind's default", cfg: &Config{From: "github"}, ok: true, want: "kind-default"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Defaulted(tc.cfg, "kind-default")
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got.Audience)
		})
	}
	c := &Config{}
	_, _ = Defaulted(c, "x")
	assert.Empty(t, c.Audience, "Defaulted changed the entry's settings")
}
