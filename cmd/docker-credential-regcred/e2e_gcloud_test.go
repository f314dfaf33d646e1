package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/gcr/gcrtest"
)

// TestGcloudSourceEndToEnd: a `gcr: {source: gcloud}` entry answers the
// user's gcloud login through the built executables, from the cache until
// the login changes, and `check` names the source.
func TestGcloudSourceEndToEnd(t *testing.T) {
	srv := gcrtest.NewServer(t)
	gcloud := srv.NewGcloud(t)
	dev, ops := srv.NewUser("dev@example.com"), srv.NewUser("ops@example.com")
	gcloud.Login(t, "default", dev)
	cfg := writeConfig(t, `defaults: false
cache: {store: file, dir: `+filepath.Join(t.TempDir(), "cache")+`}
registries:
  - match: "*-docker.pkg.dev"
    gcr: {source: gcloud}
`)
	env := pinnedEnv(t, append(gcloud.Env(), "REGCRED_CONFIG="+cfg, "REGCRED_CACHE=")...)
	const server = "europe-west1-docker.pkg.dev"

	first := getGoogleCredential(t, env, server)
	checkGoogleToken(t, srv, first, dev.Email)
	again := getGoogleCredential(t, env, server)
	assert.Equal(t, first.Secret, again.Secret, "the second get was not answered from the cache")
	assert.Equal(t, 1, srv.Requests("token"), "gcloud refreshed the login %d times for two gets, want 1", srv.Requests("token"))

	// `gcloud auth login` as another account switches the configuration's
	// account: the cache key follows, the old account's token is not served.
	gcloud.Login(t, "default", ops)
	checkGoogleToken(t, srv, getGoogleCredential(t, env, server), ops.Email)

	res := runBinary(t, testBinary(t), runOpts{Env: env}, "check", server)
	require.Equal(t, 0, res.Exit, "check: exit %d\nstdout: %s\nstderr: %s", res.Exit, res.Stdout, res.Stderr)
	assert.Contains(t, res.Stdout, "gcr (gcloud login)", "check does not name the source")
	testkit.AssertNoSecret(t, "check output", res.Stdout+res.Stderr, append(srv.IssuedTokens(), dev.RefreshToken, ops.RefreshToken)...)
}

// TestGcloudSourceFailsWithAdvice: no login, or no gcloud at all, fails
// the get with what to do, and no secret.
func TestGcloudSourceFailsWithAdvice(t *testing.T) {
	srv := gcrtest.NewServer(t)
	gcloud := srv.NewGcloud(t)
	cfg := writeConfig(t, `defaults: false
registries:
  - match: "us-docker.pkg.dev"
    gcr: {source: gcloud}
`)
	tests := []struct {
		name string
		env  []string
		want []string
	}{
		{name: "not logged in", env: gcloud.Env(), want: []string{"us-docker.pkg.dev (gcr", "active account", "run `gcloud auth login`"}},
		{name: "no gcloud", env: []string{"PATH=/nonexistent", "CLOUDSDK_CONFIG=" + gcloud.ConfigDir}, want: []string{"gcloud is not on PATH", "install the Google Cloud CLI"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runBinary(t, testBinary(t), runOpts{Env: append(tt.env, "REGCRED_CONFIG="+cfg), Stdin: "us-docker.pkg.dev"}, "get")
			require.Equal(t, 1, res.Exit, "exit %d, want 1; stdout: %s\nstderr: %s", res.Exit, res.Stdout, res.Stderr)
			for _, want := range tt.want {
				assert.Contains(t, res.Stdout, want, "the answer does not say %q", want)
			}
		})
	}
}
