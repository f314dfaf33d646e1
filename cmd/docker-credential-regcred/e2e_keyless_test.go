package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/oidctest"
	"github.com/regcred/regcred/internal/registrytest"
	"github.com/regcred/regcred/providers/dockerhub/dockerhubtest"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
	"github.com/regcred/regcred/providers/jfrog/jfrogtest"
	"github.com/regcred/regcred/providers/quay/quaytest"
)

// keylessWorld is a CI (the fake issuer), a JFrog platform and a Quay that
// trust it, and the CI job's environment.
type keylessWorld struct {
	iss   *oidctest.Issuer
	jfrog *jfrogtest.Server
	quay  *quaytest.Server
}

func newKeylessWorld(t *testing.T) *keylessWorld {
	w := &keylessWorld{iss: oidctest.New(t), jfrog: jfrogtest.New(t), quay: quaytest.New(t)}
	w.jfrog.AddIntegration("github-oidc", jfrogtest.Integration{Issuer: w.iss.URL, Audience: "jfrog-github",
		Mappings: []jfrogtest.Mapping{{Name: "ci", Subject: w.iss.Subject, Username: "ci-puller"}}})
	w.quay.AddRobot("acme+ci", quaytest.Federation{Issuer: w.iss.URL, Subject: w.iss.Subject})
	return w
}

// jobEnv is a GitHub Actions job's environment with `id-token: write`.
func (w *keylessWorld) jobEnv(extra ...string) []string {
	var env []string
	for _, k := range slices.Sorted(maps.Keys(w.iss.GitHubEnv())) {
		env = append(env, k+"="+w.iss.GitHubEnv()[k])
	}
	return append(env, extra...)
}

// secrets are every token in play: the identity tokens issued, the CI's
// request token, and every token the exchanges issued.
func (w *keylessWorld) secrets() []string {
	if w == nil {
		return nil
	}
	out := append(w.iss.Issued(), w.iss.RequestToken())
	out = append(out, w.jfrog.Issued()...)
	return append(out, w.quay.Issued()...)
}

// TestKeylessSkopeoPullsThroughJFrog: skopeo pulls from docker-registry
// with token auth, whose token server accepts the access token JFrog's
// OIDC exchange issued for the CI job's identity token; without the
// helper, or without the job's id-token permission, it gets 401.
func TestKeylessSkopeoPullsThroughJFrog(t *testing.T) {
	skopeo := registrytest.RequireTool(t, "skopeo", "skopeo")
	reg := registrytest.StartTokenAuth(t)
	reg.Push(t, "team/app:1.0")
	w := newKeylessWorld(t)
	w.jfrog.OnIssue = func(user, token string) { reg.Token.AddUser(user, token, "team") }
	dir := t.TempDir()
	cfg := writeConfig(t, fmt.Sprintf("cache: {store: file, dir: %s}\nregistries:\n  - match: %s\n    jfrog: {url: %q, providerName: github-oidc, idToken: {audience: jfrog-github}}\n",
		yamlQuote(filepath.Join(dir, "cache")), reg.Addr, w.jfrog.URL))
	authFile := filepath.Join(dir, "auth.json")
	writeJSONFile(t, authFile, map[string]any{"credHelpers": map[string]string{reg.Addr: "regcred"}})
	emptyAuth := filepath.Join(dir, "empty.json")
	writeJSONFile(t, emptyAuth, map[string]any{})
	base := append(cleanEnv(t), "PATH="+filepath.Dir(testBinary(t))+":"+os.Getenv("PATH"), "REGCRED_CONFIG="+cfg, "REGCRED_CACHE=", brokenBus(t))
	image := "docker://" + reg.Addr + "/team/app:1.0"

	out, err := runSkopeo(t, skopeo, append(base, w.jobEnv()...), "inspect", "--tls-verify=false", "--authfile", emptyAuth, image)
	require.Error(t, err, "without the helper skopeo should get 401:\n%s", out)
	require.Contains(t, strings.ToLower(out), "unauthorized", "without the helper skopeo should get 401:\n%s", out)

	noPermission := append(base, "GITHUB_ACTIONS=true")
	out, err = runSkopeo(t, skopeo, noPermission, "inspect", "--tls-verify=false", "--authfile", authFile, image)
	require.Error(t, err, "a job without id-token: write pulled:\n%s", out)
	assert.Zero(t, w.jfrog.Exchanges())

	for round := range 2 {
		out, err = runSkopeo(t, skopeo, append(base, w.jobEnv()...), "inspect", "--tls-verify=false", "--authfile", authFile, image)
		require.NoError(t, err, "round %d: skopeo through the jfrog entry failed:\n%s", round, out)
		var inspected struct{ Digest string }
		require.NoError(t, json.Unmarshal([]byte(out), &inspected), out)
		assert.True(t, strings.HasPrefix(inspected.Digest, "sha256:"), out)
		for _, s := range w.secrets() {
			assert.NotContains(t, out, s, "skopeo's output holds a token")
		}
	}
	assert.Equal(t, 1, w.jfrog.Exchanges(), "the second pull's new identity token did not find the cached access token")
	assert.GreaterOrEqual(t, w.iss.Asks(), 2, "each pull asks the CI for its identity token")
	assert.True(t, slices.ContainsFunc(reg.Token.Requests(), func(r registrytest.TokenRequest) bool { return r.Account == "ci-puller" }),
		"the registry's token server never saw the JFrog user")
}

// TestKeylessThroughBinary: each identity source and each exchange yields
// its credential through the built executables; each refusal names the
// entry and the fix; no token (identity, request, exchanged) reaches
// stderr, an error, or the cache's file names.
func TestKeylessThroughBinary(t *testing.T) {
	w := newKeylessWorld(t)
	cloud := ecrtest.New(t)
	role := cloud.NewRole("ci-puller", ecrtest.Trust{OIDC: &ecrtest.OIDCTrust{Issuer: w.iss.URL, Audience: "sts.amazonaws.com", Subject: w.iss.Subject}})
	hub := dockerhubtest.New(t)
	const hubConnection = "0b8a2e6c-3f6e-4c2d-9a51-1d7e8f9a0b1c"
	hub.AddConnection(hubConnection, dockerhubtest.Connection{Issuer: w.iss.URL, Subject: w.iss.Subject})
	dir := t.TempDir()
	cacheDir := filepath.Join(dir, "cache")
	expired := w.iss.Token(w.iss.Subject, "jfrog-github", -time.Hour)
	foreign := w.iss.Forge(map[string]any{"sub": w.iss.Subject, "aud": "jfrog-github", "exp": time.Now().Add(time.Hour).Unix()})
	gitlab := w.iss.Token(w.iss.Subject, "jfrog-github", time.Hour)
	projected := filepath.Join(dir, "token")
	require.NoError(t, os.WriteFile(projected, []byte(w.iss.Token(w.iss.Subject, "harbor", time.Hour)+"\n"), 0o600))
	jfrog := func(match, name, idToken string) string {
		return fmt.Sprintf("  - match: %s\n    name: %s\n    jfrog: {url: %q, providerName: github-oidc, idToken: %s}\n", match, name, w.jfrog.URL, idToken)
	}
	cfg := writeConfig(t, "defaults: false\ncache: {store: file, dir: "+yamlQuote(cacheDir)+"}\nregistries:\n"+
		jfrog("acme.jfrog.example", "jfrog-github", "{audience: jfrog-github}")+
		jfrog("gitlab.jfrog.example", "jfrog-gitlab", "{env: GITLAB_ID_TOKEN, audience: jfrog-github}")+
		jfrog("wrong-aud.jfrog.example", "jfrog-wrong-audience", "{audience: sts.amazonaws.com}")+
		jfrog("expired.jfrog.example", "jfrog-expired", "{env: STALE_ID_TOKEN}")+
		jfrog("forged.jfrog.example", "jfrog-foreign-signer", "{env: FORGED_ID_TOKEN}")+
		fmt.Sprintf("  - match: quay.example/acme\n    name: quay\n    quay: {robot: acme+ci, url: %q, idToken: {audience: quay.example}}\n", w.quay.URL)+
		fmt.Sprintf("  - match: harbor.example\n    name: harbor\n    jwt: {username: \"robot$ci\", idToken: {file: %s}}\n", yamlQuote(projected))+
		fmt.Sprintf("  - match: docker.io/acme\n    name: hub\n    dockerhub: {org: acme, connectionId: %s, url: %q}\n", hubConnection, hub.URL)+
		fmt.Sprintf("  - match: %s\n    name: ecr\n    ecr: {endpoint: %q, roleArn: %s, idToken: {}}\n", ecrHost, cloud.ECRURL(), role))
	var buildkite []string
	for k, v := range w.iss.BuildkiteEnv() {
		buildkite = append(buildkite, k+"="+v)
	}
	buildkite = append(buildkite, "GITHUB_ACTIONS=", "ACTIONS_ID_TOKEN_REQUEST_URL=")
	env := w.jobEnv("REGCRED_CONFIG="+cfg, "AWS_ENDPOINT_URL_STS="+cloud.STSURL(), "REGCRED_CACHE=", "REGCRED_LOG=debug", brokenBus(t),
		"GITLAB_ID_TOKEN="+gitlab, "STALE_ID_TOKEN="+expired, "FORGED_ID_TOKEN="+foreign)
	for _, tc := range []keylessCase{
		{name: "jfrog from github", request: "acme.jfrog.example", user: "ci-puller"},
		{name: "jfrog from github, cached", request: "acme.jfrog.example/team/app", user: "ci-puller"},
		{name: "jfrog from env", request: "gitlab.jfrog.example", user: "ci-puller"},
		{name: "quay from auto", request: "quay.example/acme/app", user: "acme+ci"},
		{name: "jwt from file", request: "harbor.example", user: "robot$ci"},
		{name: "ecr role from github", request: ecrHost, user: "AWS"},
		{name: "docker hub from github", request: "docker.io/acme/app", user: "acme"},
		{name: "quay from buildkite", request: "quay.example/acme/other", env: buildkite, user: "acme+ci"},
		{name: "wrong audience", request: "wrong-aud.jfrog.example", says: []string{"jfrog-wrong-audience (jfrog", "audience mismatch", "idToken.audience"}},
		{name: "expired token", request: "expired.jfrog.example", says: []string{"jfrog-expired (jfrog", "expired at", "afresh"}},
		{name: "foreign signer", request: "forged.jfrog.example", says: []string{"jfrog-foreign-signer (jfrog", "signature verification failed", "must name issuer"}},
		{name: "missing id-token permission", request: "acme.jfrog.example/other", env: []string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN="},
			says: []string{"jfrog-github (jfrog", "permissions: id-token: write"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, env, func(t *testing.T, secret string) {
				_, fromECR := cloud.Lookup(secret)
				require.True(t, fromECR || slices.Contains(append(w.secrets(), hub.Issued()...), secret), "answered a secret no fake issued")
			}, append(append(w.secrets(), hub.Issued()...), expired, foreign, gitlab))
		})
	}
	assert.Equal(t, 2, w.jfrog.Exchanges(), "github then gitlab exchanged once each, the cached one not again")
	assert.Equal(t, 1, cloud.Calls(ecrtest.AssumeRoleWithWebIdentity), "the ECR entry did not assume its role with the identity token")
	res := runBinary(t, testBinary(t), runOpts{Env: env}, "check", "--verify", "--allow-http", "acme.jfrog.example", "quay.example/acme/app")
	assert.Contains(t, res.Stdout, fmt.Sprintf("iss %q, sub %q", w.iss.URL, w.iss.Subject), "check --verify shows no claims:\n%s", res.Stdout)
	res2 := runBinary(t, testBinary(t), runOpts{Env: env}, "cache", "list")
	err := filepath.WalkDir(cacheDir, func(p string, _ os.DirEntry, err error) error {
		for _, s := range append(w.secrets(), gitlab) {
			assert.NotContains(t, p, s, "a cache file name holds a token")
		}
		return err
	})
	require.NoError(t, err)
	for _, s := range append(w.secrets(), expired, foreign, gitlab) {
		assert.NotContains(t, res.Stdout+res.Stderr+res2.Stdout+res2.Stderr, s, "check or cache list printed a token")
	}
}
