package verify_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/verify"
	"github.com/regcred/regcred/internal/registrytest"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

func checker() verify.Checker {
	return verify.Checker{Client: &http.Client{Timeout: 10 * time.Second}}
}

type registryCase struct {
	name       string
	user       string
	secret     string
	repository string
	want       verify.Status
	wantAuth   string
	wantErr    error
}

func runCases(t *testing.T, reg *registrytest.Registry, cases []registryCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := checker().Check(context.Background(), verify.Request{
				Registry: reg.Addr, Repository: tc.repository,
				Username: tc.user, Secret: providers.Secret(tc.secret),
			})
			require.Equal(t, tc.want, res.Status, "status (detail: %s)", res.Detail)
			assert.Equal(t, tc.wantAuth, res.Auth, "auth")
			assert.Equal(t, "http://"+reg.Addr, res.Endpoint, "endpoint, want plain http on loopback")
			if tc.wantErr == nil {
				assert.NoError(t, res.Err(), "Err()")
			} else {
				assert.ErrorIs(t, res.Err(), tc.wantErr, "Err()")
			}
			for _, text := range []string{res.Detail, errText(res.Err())} {
				if tc.secret != "" {
					testkit.AssertNoSecret(t, "result", text, tc.secret)
				}
			}
		})
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestHtpasswdRegistry: distribution with htpasswd answers a Basic
// challenge; every authenticated user may read every repository, so the
// unreadable case is a repository that does not exist.
func TestHtpasswdRegistry(t *testing.T) {
	reg := registrytest.Start(t)
	reg.Push(t, "team/app:1.0")
	runCases(t, reg, []registryCase{
		{name: "right credential", user: reg.Username, secret: reg.Password, want: verify.Accepted, wantAuth: "basic"},
		{name: "wrong password", user: reg.Username, secret: "not-" + reg.Password, want: verify.Rejected, wantAuth: "basic", wantErr: providers.ErrDenied},
		{name: "unknown user", user: "mallory", secret: reg.Password, want: verify.Rejected, wantAuth: "basic", wantErr: providers.ErrDenied},
		{name: "readable repository", user: reg.Username, secret: reg.Password, repository: "team/app", want: verify.Accepted, wantAuth: "basic"},
		{name: "missing repository", user: reg.Username, secret: reg.Password, repository: "team/nothing-here", want: verify.NotFound, wantAuth: "basic", wantErr: providers.ErrNotFound},
		{name: "wrong password with a repository", user: reg.Username, secret: "nope", repository: "team/app", want: verify.Rejected, wantAuth: "basic", wantErr: providers.ErrDenied},
	})
}

// TestTokenRegistry: distribution with token auth sends a Bearer challenge;
// the token server grants pull per repository prefix.
func TestTokenRegistry(t *testing.T) {
	reg := registrytest.StartTokenAuth(t)
	reg.Push(t, "team/app:1.0")
	reg.Push(t, "other/app:1.0")
	reg.Token.AddUser("reader", "reader-pw-123", "team")
	runCases(t, reg, []registryCase{
		{name: "right credential", user: "reader", secret: "reader-pw-123", want: verify.Accepted, wantAuth: "bearer"},
		{name: "wrong password", user: "reader", secret: "wrong-pw-456", want: verify.Rejected, wantAuth: "bearer", wantErr: providers.ErrDenied},
		{name: "readable repository", user: "reader", secret: "reader-pw-123", repository: "team/app", want: verify.Accepted, wantAuth: "bearer"},
		{name: "unreadable repository", user: "reader", secret: "reader-pw-123", repository: "other/app", want: verify.NotReadable, wantAuth: "bearer", wantErr: providers.ErrDenied},
		{name: "wrong password with a repository", user: "reader", secret: "wrong-pw-456", repository: "team/app", want: verify.Rejected, wantAuth: "bearer", wantErr: providers.ErrDenied},
		{name: "admin reads everything", user: reg.Username, secret: reg.Password, repository: "other/app", want: verify.Accepted, wantAuth: "bearer"},
		{name: "missing repository the user may read", user: "reader", secret: "reader-pw-123", repository: "team/none", want: verify.NotFound, wantAuth: "bearer", wantErr: providers.ErrNotFound},
	})
	var asked bool
	for _, r := range reg.Token.Requests() {
		if r.Account == "reader" && len(r.Scopes) == 1 && r.Scopes[0] == "repository:other/app:pull" {
			asked = true
		}
	}
	assert.True(t, asked, "no token request for scope repository:other/app:pull as reader; requests: %+v", reg.Token.Requests())
}

// TestIdentityToken: docker stores "<token>" and a refresh token when the
// token server hands one out; it is exchanged with the OAuth2 grant.
func TestIdentityToken(t *testing.T) {
	reg := registrytest.StartTokenAuth(t)
	reg.Push(t, "team/app:1.0")
	reg.Token.AddUser("reader", "reader-pw-123", "team")
	refresh := refreshToken(t, reg, "reader", "reader-pw-123")
	runCases(t, reg, []registryCase{
		{name: "identity token", user: "<token>", secret: refresh, repository: "team/app", want: verify.Accepted, wantAuth: "bearer"},
		{name: "unknown identity token", user: "<token>", secret: "refresh-forged", want: verify.Rejected, wantAuth: "bearer", wantErr: providers.ErrDenied},
	})
}

func refreshToken(t *testing.T, reg *registrytest.Registry, user, pw string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet,
		reg.Token.URL+"/token?service="+reg.Token.Service+"&offline_token=true", nil)
	require.NoError(t, err)
	req.SetBasicAuth(user, pw)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var doc struct {
		RefreshToken string `json:"refresh_token"`
	}
	require.NoError(t, decodeJSON(resp, &doc), "no refresh token")
	require.NotEmpty(t, doc.RefreshToken, "no refresh token")
	return doc.RefreshToken
}
