package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/oidctest"
	"github.com/regcred/regcred/providers/acr"
	"github.com/regcred/regcred/providers/acr/acrtest"
	"github.com/regcred/regcred/providers/gcr"
	"github.com/regcred/regcred/providers/gcr/gcrtest"
)

// TestKeylessCloudsThroughBinary: a GitHub Actions job's identity token
// (from: github) buys a Google Artifact Registry token (STS exchange at a
// pool provider trusting the CI, then the service account's) and an ACR
// refresh token (the token as the client assertion of a federated app,
// then ACR's exchange) through the built executables; a second job's
// fresh token finds the cached credential; each refusal names the entry
// and the fix; no token (identity, request, exchanged) reaches stdout but
// as the answer, stderr, `check`, or the cache's file names.
func TestKeylessCloudsThroughBinary(t *testing.T) {
	iss := oidctest.New(t)
	google := gcrtest.NewServer(t)
	pool := google.TrustIssuer(iss.URL, "ci-pool", iss.Subject)
	const gsa = "ci-puller@acme.iam.gserviceaccount.com"
	google.AllowImpersonation(pool.PrincipalOf(iss.Subject), gsa)
	azure := acrtest.New(t)
	reg := azure.NewRegistry(t, acrtest.RegistryOptions{Plain: true})
	app := azure.Entra.NewApp("")
	app.FederateIssuer(iss.URL, iss.Subject, acrtest.ExchangeAudience)
	reg.GrantPull(app.ClientID)
	mainOnly := azure.NewRegistry(t, acrtest.RegistryOptions{Plain: true})
	release := azure.Entra.NewApp("")
	release.FederateIssuer(iss.URL, "repo:regcred-test/app:environment:release", acrtest.ExchangeAudience)
	mainOnly.GrantPull(release.ClientID)

	dir := t.TempDir()
	cacheDir := filepath.Join(dir, "cache")
	gar := func(match, name, extra string) string {
		return fmt.Sprintf("  - match: %s\n    name: %s\n    gcr: {workloadIdentityProvider: %q, impersonateServiceAccount: %s, stsEndpoint: %q, iamCredentialsEndpoint: %q, idToken: {from: github%s}}\n",
			match, name, pool.Provider, gsa, google.URL, google.IAMCredentialsURL(), extra)
	}
	acrEntry := func(match, name string, a *acrtest.App) string {
		return fmt.Sprintf("  - match: %q\n    name: %s\n    acr: {tenantId: %s, clientId: %s, authorityHost: %q, idToken: {from: github}}\n", match, name, a.Tenant, a.ClientID, azure.Entra.URL+"/")
	}
	cfg := writeConfig(t, "defaults: false\ncache: {store: file, dir: "+yamlQuote(cacheDir)+"}\nregistries:\n"+
		gar("europe-west1-docker.pkg.dev/acme", "gar", "")+
		gar("us-docker.pkg.dev/acme", "gar-wrong-audience", ", audience: sts.amazonaws.com")+
		acrEntry(reg.Host, "acr", app)+
		acrEntry(mainOnly.Host, "acr-release-only", release))
	var env []string
	for k, v := range iss.GitHubEnv() {
		env = append(env, k+"="+v)
	}
	env = append(env, "REGCRED_CONFIG="+cfg, "REGCRED_CACHE=", "REGCRED_LOG=debug", "SSL_CERT_FILE="+azure.CAFile(t, dir), brokenBus(t))
	secrets := func() []string {
		out := append(iss.Issued(), iss.RequestToken())
		out = append(out, google.IssuedTokens()...)
		out = append(out, azure.Entra.IssuedTokens()...)
		out = append(out, reg.IssuedTokens()...)
		return append(out, mainOnly.IssuedTokens()...)
	}
	for _, tc := range []keylessCase{
		{name: "GAR from github", request: "europe-west1-docker.pkg.dev/acme/app", user: gcr.Username},
		{name: "GAR, the next job's token finds the cached token", request: "europe-west1-docker.pkg.dev/acme/other", user: gcr.Username},
		{name: "ACR from github", request: reg.Host, user: acr.Username},
		{name: "ACR, the next job's token finds the cached token", request: reg.Host + "/team/app", user: acr.Username},
		{name: "GAR wrong audience", request: "us-docker.pkg.dev/acme/app",
			says: []string{"gar-wrong-audience (gcr", "The audience in ID Token [sts.amazonaws.com] does not match", "idToken.audience"}},
		{name: "ACR subject not federated", request: mainOnly.Host,
			says: []string{"acr-release-only (acr", "AADSTS700213", "needs a federated credential with issuer \"" + iss.URL + "\", subject \"" + iss.Subject + "\""}},
		{name: "GAR without id-token permission", request: "europe-west1-docker.pkg.dev/acme/third", env: []string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN="},
			says: []string{"gar (gcr", "permissions: id-token: write"}},
		{name: "ACR without id-token permission", request: reg.Host + "/team/third", env: []string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN="},
			says: []string{"acr (acr", "permissions: id-token: write"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, env, func(t *testing.T, secret string) {
				if issued, ok := google.Lookup(secret); ok {
					assert.Equal(t, gsa, issued.Principal, "the Google token is not the service account's")
					return
				}
				ref, ok := reg.Lookup(secret)
				require.True(t, ok, "answered a secret no fake issued")
				assert.Equal(t, app.ClientID, ref.ClientID, "the refresh token is not the federated app's")
			}, secrets())
		})
	}
	assert.Equal(t, 2, google.Requests("sts"), "STS: the gar entry's exchange and the refused one of gar-wrong-audience; the cached pull none")
	assert.Equal(t, 1, google.Requests("iam"), "the second GAR pull impersonated again")
	assert.Equal(t, 2, azure.Entra.Requests("federated"), "Entra: the acr entry's assertion and the refused one of acr-release-only; the cached pull none")
	assert.Equal(t, 1, reg.Exchanges(), "the second ACR pull exchanged again")
	assert.GreaterOrEqual(t, iss.Asks(), 6, "each get asks the CI for its identity token")

	res := runBinary(t, testBinary(t), runOpts{Env: env}, "check", "--verify", "--allow-http", "europe-west1-docker.pkg.dev/acme/app", reg.Host)
	for _, want := range []string{
		fmt.Sprintf(`(gcr): from GitHub Actions' ID token endpoint ($ACTIONS_ID_TOKEN_REQUEST_URL), audience %q`, pool.TokenAudience),
		fmt.Sprintf(`(acr): from GitHub Actions' ID token endpoint ($ACTIONS_ID_TOKEN_REQUEST_URL), audience %q`, acrtest.ExchangeAudience),
		fmt.Sprintf(`iss %q, sub %q, aud %q, exp `, iss.URL, iss.Subject, pool.TokenAudience),
		fmt.Sprintf(`iss %q, sub %q, aud %q, exp `, iss.URL, iss.Subject, acrtest.ExchangeAudience),
	} {
		assert.Contains(t, res.Stdout, want, "check --verify:\n%s\n%s", res.Stdout, res.Stderr)
	}
	res2 := runBinary(t, testBinary(t), runOpts{Env: env}, "cache", "list")
	require.NoError(t, filepath.WalkDir(cacheDir, func(p string, _ os.DirEntry, err error) error {
		for _, s := range secrets() {
			assert.NotContains(t, p, s, "a cache file name holds a token")
		}
		return err
	}))
	for _, s := range secrets() {
		assert.NotContains(t, res.Stdout+res.Stderr+res2.Stdout+res2.Stderr, s, "check or cache list printed a token")
	}
}
