package oidctest

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerifierChecksWhatAServiceChecks(t *testing.T) {
	iss := New(t)
	other := New(t)
	v := Verifier{Issuer: iss.URL, Audience: "jfrog"}
	for _, tc := range []struct {
		name string
		tok  string
		want error
	}{
		{name: "good", tok: iss.Token("sub", "jfrog", time.Minute)},
		{name: "other audience", tok: iss.Token("sub", "quay", time.Minute), want: ErrAudience},
		{name: "expired", tok: iss.Token("sub", "jfrog", -time.Hour), want: ErrExpired},
		{name: "foreign signer", tok: iss.Forge(map[string]any{"sub": "sub", "aud": "jfrog", "exp": time.Now().Add(time.Minute).Unix()}), want: ErrSignature},
		{name: "other issuer", tok: other.Token("sub", "jfrog", time.Minute), want: ErrIssuer},
		{name: "not a JWT", tok: "abc", want: ErrMalformed},
		{name: "alg none", tok: strings.Join(strings.Split(iss.Token("sub", "jfrog", time.Minute), ".")[:2], ".") + ".", want: ErrSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := v.Verify(context.Background(), tc.tok)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "sub", c.Subject)
			assert.Equal(t, []string{"jfrog"}, c.Audience)
		})
	}
}

func TestGitHubEndpointRequiresTheRequestToken(t *testing.T) {
	iss := New(t)
	env := iss.GitHubEnv()
	for _, tc := range []struct {
		name, auth string
		code       int
	}{
		{name: "request token", auth: "Bearer " + env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"], code: http.StatusOK},
		{name: "other token", auth: "Bearer nope", code: http.StatusUnauthorized},
		{name: "none", code: http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, env["ACTIONS_ID_TOKEN_REQUEST_URL"]+"&audience=x", nil)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tc.code, resp.StatusCode)
		})
	}
}
