package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers/gcr/gcrtest"
)

// getCredential runs `get` and decodes the answer, failing on exit != 0.
func getGoogleCredential(t *testing.T, env []string, server string) dockerAnswer {
	t.Helper()
	res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: server}, "get")
	require.Equal(t, 0, res.Exit, "get %s: exit %d\nstdout: %s\nstderr: %s", server, res.Exit, res.Stdout, res.Stderr)
	var a dockerAnswer
	require.NoError(t, json.Unmarshal([]byte(res.Stdout), &a), "get %s: answer is not JSON", server)
	assert.Equal(t, server, a.ServerURL, "ServerURL %q, want the request %q echoed", a.ServerURL, server)
	assert.NotContains(t, res.Stderr, a.Secret, "the token reached stderr")
	return a
}

// wantGoogleToken checks that the answer is a token the fake issued to
// principal, and that it appears nowhere but in get's answer.
func checkGoogleToken(t *testing.T, srv *gcrtest.Server, a dockerAnswer, principal string) {
	t.Helper()
	assert.Equal(t, "oauth2accesstoken", a.Username, "username %q, want oauth2accesstoken", a.Username)
	iss, ok := srv.Lookup(a.Secret)
	require.True(t, ok, "the secret answered is not a token the fake issued")
	assert.Equal(t, principal, iss.Principal, "token issued to %q, want %q", iss.Principal, principal)
}

// TestGCRConfigEntry: a `gcr:` entry with a service-account key, through
// the real JWT-bearer flow against the verifying fake.
func TestGCRConfigEntry(t *testing.T) {
	srv := gcrtest.NewServer(t)
	sa := srv.NewServiceAccount(t, "ci-pull@proj.iam.gserviceaccount.com")
	cfg := writeConfig(t, `defaults: false
registries:
  - match: "europe-west1-docker.pkg.dev/proj"
    gcr: {credentialsFile: `+sa.WriteKeyFile(t, t.TempDir())+`}
`)
	env := []string{"REGCRED_CONFIG=" + cfg, "REGCRED_LOG=debug"}
	for _, server := range []string{
		"europe-west1-docker.pkg.dev",
		"https://europe-west1-docker.pkg.dev/v2/",
		"europe-west1-docker.pkg.dev/proj/repo/app:1.0",
	} {
		t.Run(server, func(t *testing.T) {
			res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: server}, "get")
			require.Equal(t, 0, res.Exit, "exit %d\nstdout: %s\nstderr: %s", res.Exit, res.Stdout, res.Stderr)
			var a dockerAnswer
			require.NoError(t, json.Unmarshal([]byte(res.Stdout), &a))
			checkGoogleToken(t, srv, a, sa.Email)
			assert.NotContains(t, res.Stderr, a.Secret, "the token reached stderr")
		})
	}
}

// TestGCRBuiltinDefaults: no config file at all; the built-in Google
// entries find Application Default Credentials in the environment.
func TestGCRBuiltinDefaults(t *testing.T) {
	srv := gcrtest.NewServer(t)
	t.Run("GOOGLE_APPLICATION_CREDENTIALS", func(t *testing.T) {
		sa := srv.NewServiceAccount(t, "adc@proj.iam.gserviceaccount.com")
		env := []string{"GOOGLE_APPLICATION_CREDENTIALS=" + sa.WriteKeyFile(t, t.TempDir())}
		for _, server := range []string{"gcr.io", "us.gcr.io", "us-docker.pkg.dev", "docker.us-central1.rep.pkg.dev"} {
			checkGoogleToken(t, srv, getGoogleCredential(t, env, server), sa.Email)
		}
	})
	t.Run("metadata server", func(t *testing.T) {
		md := srv.NewMetadata(t, "123-compute@developer.gserviceaccount.com")
		// Appended after cleanEnv's closed-port value, so it wins.
		env := []string{"GCE_METADATA_HOST=" + md.Host}
		checkGoogleToken(t, srv, getGoogleCredential(t, env, "asia-northeast1-docker.pkg.dev"), md.Email)
		assert.Equal(t, 1, md.TokenRequests(), "%d metadata token requests, want 1", md.TokenRequests())
	})
}

// TestGCRNeverSendsTokensToLookAlikes: with an ADC identity in reach, a
// look-alike host gets no Google token, whether no entry matches it or an
// entry of the user's sends it to the gcr kind.
func TestGCRNeverSendsTokensToLookAlikes(t *testing.T) {
	srv := gcrtest.NewServer(t)
	sa := srv.NewServiceAccount(t, "adc@proj.iam.gserviceaccount.com")
	key := sa.WriteKeyFile(t, t.TempDir())
	cfg := writeConfig(t, `registries:
  - match: "gcr.io.evil.example"
    gcr: {credentialsFile: `+key+`}
`)
	for _, server := range []string{"gcr.io.evil.example", "evilgcr.io", "us-docker.pkg.dev.evil.example", "gcr.io:5000"} {
		t.Run(server, func(t *testing.T) {
			env := []string{"REGCRED_CONFIG=" + cfg, "GOOGLE_APPLICATION_CREDENTIALS=" + key}
			res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: server}, "get")
			require.NotEqual(t, 0, res.Exit, "get %s answered %s", server, res.Stdout)
			// The user's entry matches this one; the backend itself refuses.
			if server == "gcr.io.evil.example" {
				assert.Contains(t, res.Stdout, "not a Google registry host", "the refusal does not say why")
			}
			for _, tok := range srv.IssuedTokens() {
				assert.NotContains(t, res.Stdout+res.Stderr, tok, "a Google token was printed for a look-alike host")
			}
		})
	}
	n := srv.Requests("token")
	assert.Equal(t, 0, n, "%d token requests for look-alike hosts, want 0", n)
}

// TestGCRNoCredentials: no ADC and no metadata server (cleanEnv points
// GCE_METADATA_HOST at a closed port). The built-in entries end in an
// anonymous fallback, so public images still pull: the answer is "not
// found". A user's own gcr entry fails instead and says what to do.
func TestGCRNoCredentials(t *testing.T) {
	res := runBinary(t, testBinary(t), runOpts{Stdin: "gcr.io"}, "get")
	assert.Equal(t, 1, res.Exit, "built-in defaults without credentials: exit %d, stdout %q; want the not-found answer", res.Exit, res.Stdout)
	assert.Equal(t, "credentials not found in native keychain", strings.TrimSpace(res.Stdout), "built-in defaults without credentials: exit %d, stdout %q; want the not-found answer", res.Exit, res.Stdout)

	cfg := writeConfig(t, `defaults: false
registries:
  - match: "us-docker.pkg.dev"
    gcr: {}
`)
	res = runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + cfg}, Stdin: "us-docker.pkg.dev"}, "get")
	require.Equal(t, 1, res.Exit, "exit %d, want 1; stdout: %s", res.Exit, res.Stdout)
	for _, want := range []string{"us-docker.pkg.dev (gcr", "gcloud auth application-default login", "GOOGLE_APPLICATION_CREDENTIALS"} {
		assert.Contains(t, res.Stdout, want, "the answer does not mention %q", want)
	}
}
