package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/registrytest"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/acr"
	"github.com/regcred/regcred/providers/acr/acrtest"
)

// acrEnv is what points the engine at the fake Azure: its Entra by
// AZURE_AUTHORITY_HOST, trusted through SSL_CERT_FILE.
func acrEnv(t *testing.T, cloud *acrtest.Cloud) []string {
	t.Helper()
	return []string{"SSL_CERT_FILE=" + cloud.CAFile(t, t.TempDir()), "AZURE_AUTHORITY_HOST=" + cloud.Entra.URL + "/"}
}

// TestACRIdentitySourcesThroughTheBinaries: each identity source the
// engine can reach here yields a refresh token the registry issued, and
// the secrets it used appear nowhere but where they belong.
func TestACRIdentitySourcesThroughTheBinaries(t *testing.T) {
	cloud := acrtest.New(t)
	reg := cloud.NewRegistry(t, acrtest.RegistryOptions{Plain: true})
	tests := []struct {
		name string
		// setUp returns the entry's settings, extra environment, the
		// principal expected and the secrets to scan for.
		setUp func(t *testing.T) (string, []string, string, []string)
	}{
		{name: "client secret from the environment", setUp: func(t *testing.T) (string, []string, string, []string) {
			app := cloud.Entra.NewApp("")
			secret := app.NewSecret()
			reg.GrantPull(app.ClientID)
			return `{}`, []string{"AZURE_TENANT_ID=" + app.Tenant, "AZURE_CLIENT_ID=" + app.ClientID, "AZURE_CLIENT_SECRET=" + secret}, app.ClientID, []string{secret}
		}},
		{name: "client secret file", setUp: func(t *testing.T) (string, []string, string, []string) {
			app := cloud.Entra.NewApp("")
			secret := app.NewSecret()
			reg.GrantPull(app.ClientID)
			file := testkit.TempFile(t, "secret", secret)
			return `{tenantId: ` + app.Tenant + `, clientId: ` + app.ClientID + `, clientSecretFile: ` + file + `}`, nil, app.ClientID, []string{secret}
		}},
		{name: "certificate", setUp: func(t *testing.T) (string, []string, string, []string) {
			app := cloud.Entra.NewApp("")
			reg.GrantPull(app.ClientID)
			path := app.NewCertificate(t, t.TempDir())
			return `{tenantId: ` + app.Tenant + `, clientId: ` + app.ClientID + `, certificateFile: ` + path + `}`, nil, app.ClientID, []string{pemLine(t, path)}
		}},
		{name: "workload identity", setUp: func(t *testing.T) (string, []string, string, []string) {
			app := cloud.Entra.NewApp("")
			reg.GrantPull(app.ClientID)
			iss := cloud.Entra.NewIssuer(t)
			app.Federate(iss, "system:serviceaccount:ci:builder")
			tok := iss.Token(t, "system:serviceaccount:ci:builder", acrtest.ExchangeAudience, time.Hour)
			file := testkit.TempFile(t, "token", tok)
			return `{}`, []string{"AZURE_TENANT_ID=" + app.Tenant, "AZURE_CLIENT_ID=" + app.ClientID, "AZURE_FEDERATED_TOKEN_FILE=" + file}, app.ClientID, []string{tok}
		}},
		{name: "managed identity (App Service)", setUp: func(t *testing.T) (string, []string, string, []string) {
			id := cloud.IMDS.AssignUser()
			reg.GrantPull(id)
			env := cloud.IMDS.AppServiceEnv()
			return `{clientId: ` + id + `}`, env, id, []string{strings.TrimPrefix(env[1], "IDENTITY_HEADER=")}
		}},
		{name: "Azure CLI", setUp: func(t *testing.T) (string, []string, string, []string) {
			app := cloud.Entra.NewApp("")
			reg.GrantPull(app.ClientID)
			dir := cloud.WriteAz(t, acrtest.AzLogin{App: app})
			return `{}`, []string{"PATH=" + dir + ":" + os.Getenv("PATH")}, app.ClientID, nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			settings, env, principal, secrets := tt.setUp(t)
			cfg := writeConfig(t, "defaults: false\nregistries:\n  - match: \""+reg.Host+"\"\n    acr: "+settings+"\n")
			env = append(append(acrEnv(t, cloud), "REGCRED_CONFIG="+cfg, "REGCRED_LOG=debug"), env...)
			res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: reg.Host}, "get")
			require.Equal(t, 0, res.Exit, "get: exit %d\nstdout: %s\nstderr: %s", res.Exit, res.Stdout, res.Stderr)
			var a dockerAnswer
			require.NoError(t, json.Unmarshal([]byte(res.Stdout), &a))
			assert.Equal(t, acr.Username, a.Username)
			ref, ok := reg.Lookup(a.Secret)
			require.True(t, ok, "the password answered is not a live refresh token the registry issued")
			assert.Equal(t, principal, ref.ClientID)
			testkit.AssertNoSecret(t, "stderr", res.Stderr, append(secrets, a.Secret)...)
		})
	}
}

// TestACRSkopeoThroughRealRegistry: docker-registry with token auth behind
// an ACR login server whose token server takes the ACR refresh token as
// the password. skopeo pulls through regcred with an `acr` entry, and is
// refused without it.
func TestACRSkopeoThroughRealRegistry(t *testing.T) {
	skopeo := registrytest.RequireTool(t, "skopeo", "skopeo")
	upstream := registrytest.StartTokenAuth(t)
	upstream.Push(t, "team/app:1.0")
	cloud := acrtest.New(t)
	reg := cloud.NewRegistry(t, acrtest.RegistryOptions{Upstream: "http://" + upstream.Addr, Plain: true})
	upstream.Token.AddUserCheck(acr.Username, func(pw string) bool { _, ok := reg.Lookup(pw); return ok }, "team")
	app := cloud.Entra.NewApp("")
	secret := app.NewSecret()
	reg.GrantPull(app.ClientID)

	dir := t.TempDir()
	cfg := writeConfig(t, `defaults: false
registries:
  - match: "`+reg.Host+`"
    acr: {tenantId: `+app.Tenant+`, clientId: `+app.ClientID+`, clientSecretFile: `+testkit.TempFile(t, "sp", secret)+`}
`)
	authFile := filepath.Join(dir, "auth.json")
	writeJSONFile(t, authFile, map[string]any{"credHelpers": map[string]string{reg.Host: "regcred"}})
	emptyAuth := filepath.Join(dir, "empty.json")
	writeJSONFile(t, emptyAuth, map[string]any{})
	env := append(append(cleanEnv(t), acrEnv(t, cloud)...), "PATH="+filepath.Dir(testBinary(t))+":"+os.Getenv("PATH"), "REGCRED_CONFIG="+cfg)

	image := "docker://" + reg.Host + "/team/app:1.0"
	out, err := runSkopeo(t, skopeo, env, "inspect", "--tls-verify=false", "--authfile", emptyAuth, image)
	require.Error(t, err, "without the helper skopeo should get 401; output:\n%s", out)
	require.Contains(t, strings.ToLower(out), "unauthorized", "without the helper skopeo should get 401; output:\n%s", out)
	out, err = runSkopeo(t, skopeo, env, "inspect", "--tls-verify=false", "--authfile", authFile, image)
	require.NoError(t, err, "skopeo with regcred as credHelper failed: %v\n%s", err, out)
	var inspected struct{ Digest string }
	if assert.NoError(t, json.Unmarshal([]byte(out), &inspected), "inspect output: %s", out) {
		assert.True(t, strings.HasPrefix(inspected.Digest, "sha256:"), "inspect output: %s", out)
	}
	assert.GreaterOrEqual(t, cloud.Entra.Requests("client_secret"), 1, "Entra was not asked (the cache is off here: one request per get)")
	assert.GreaterOrEqual(t, reg.Exchanges(), 1, "the registry's exchange was not asked")
	testkit.AssertNoSecret(t, "skopeo output", out, secret)
}

// TestACRNoIdentity: the built-in ACR entry off Azure, with no identity,
// ends in its anonymous fallback ("not found"); a user's own entry fails
// and says what to do.
func TestACRNoIdentity(t *testing.T) {
	res := runBinary(t, testBinary(t), runOpts{Stdin: "myreg.azurecr.io"}, "get")
	assert.Equal(t, 1, res.Exit, "stdout %q", res.Stdout)
	assert.Equal(t, "credentials not found in native keychain", strings.TrimSpace(res.Stdout))

	cfg := writeConfig(t, "defaults: false\nregistries:\n  - match: \"*.azurecr.io\"\n    acr: {}\n")
	res = runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + cfg}, Stdin: "myreg.azurecr.io"}, "get")
	require.Equal(t, 1, res.Exit, "stdout: %s", res.Stdout)
	for _, want := range []string{"myreg.azurecr.io", "no Azure identity found", "az login", "AZURE_CLIENT_SECRET"} {
		assert.Contains(t, res.Stdout, want)
	}
}

// pemLine is a line from the middle of a PEM private key.
func pemLine(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-3]
}

// TestKubeletServiceAccountACR: each pod pulls from ACR as the client its
// service account's annotation names, its own token federated at Entra;
// the node's service principal plays no part, and the file cache keeps
// the pods apart.
func TestKubeletServiceAccountACR(t *testing.T) {
	cloud := acrtest.New(t)
	reg := cloud.NewRegistry(t, acrtest.RegistryOptions{Plain: true})
	iss := cloud.Entra.NewIssuer(t)
	node := cloud.Entra.NewApp("")
	nodeSecret := node.NewSecret()
	reg.GrantPull(node.ClientID)
	pods := map[string]*acrtest.App{}
	toks := map[string]string{}
	for _, name := range []string{"builder", "tester"} {
		app := cloud.Entra.NewApp(node.Tenant)
		sub := "system:serviceaccount:ci:" + name
		app.Federate(iss, sub)
		reg.GrantPull(app.ClientID)
		pods[name], toks[name] = app, iss.Token(t, sub, acrtest.ExchangeAudience, time.Hour)
	}
	const ann = "azure.workload.identity/client-id"
	pattern := reg.Host
	cfg := writeConfig(t, `cache: {store: file, dir: `+filepath.Join(t.TempDir(), "cache")+`}
registries:
  - match: "`+pattern+`"
    acr: {tenantId: `+node.Tenant+`, clientIdAnnotation: "`+ann+`"}
`)
	env := append(acrEnv(t, cloud), "REGCRED_CONFIG="+cfg, "REGCRED_CACHE=", "REGCRED_LOG=debug",
		"AZURE_CLIENT_ID="+node.ClientID, "AZURE_CLIENT_SECRET="+nodeSecret)
	image := reg.Host + "/app:1"
	steps := []struct {
		name, pod      string
		wantSameAs     int // an earlier step whose cached password must come back; -1: none
		wantFederation int
	}{
		{name: "builder", pod: "builder", wantSameAs: -1, wantFederation: 1},
		{name: "tester", pod: "tester", wantSameAs: -1, wantFederation: 2},
		{name: "builder from cache", pod: "builder", wantSameAs: 0, wantFederation: 2},
	}
	var got []string
	for _, s := range steps {
		pw := kubeletPassword(t, env, saKubeletRequest(t, image, toks[s.pod], map[string]string{ann: pods[s.pod].ClientID}), pattern,
			toks["builder"], toks["tester"], nodeSecret)
		got = append(got, pw)
		ref, ok := reg.Lookup(pw)
		require.True(t, ok, "%s: not a refresh token the registry issued", s.name)
		assert.Equal(t, pods[s.pod].ClientID, ref.ClientID, "%s: the password is another principal's", s.name)
		if s.wantSameAs >= 0 {
			assert.Equal(t, got[s.wantSameAs], pw, "%s: not the cached password of step %d", s.name, s.wantSameAs)
		}
		assert.Equal(t, s.wantFederation, cloud.Entra.Requests("federated"), "%s: federated logins", s.name)
	}
	assert.NotEqual(t, got[1], got[0], "the second service account got the first one's password")
	assert.Zero(t, cloud.Entra.Requests("client_secret"), "the node's service principal took part")

	res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: saKubeletRequest(t, image, toks["builder"], map[string]string{"other": "x"})}, "kubelet")
	assert.Equal(t, 1, res.Exit, "missing annotation: stdout %q stderr %q", res.Stdout, res.Stderr)
	assert.Contains(t, res.Stderr, ann, "the failure does not name the annotation")
	testkit.AssertNoSecret(t, "stderr", res.Stderr, toks["builder"], nodeSecret)
}

// TestACRRefreshTokenIsCached: a second get is answered from the cache
// until the refresh token nears its exp; another identity is not.
func TestACRRefreshTokenIsCached(t *testing.T) {
	cloud := acrtest.New(t)
	reg := cloud.NewRegistry(t, acrtest.RegistryOptions{Plain: true})
	cfg := writeConfig(t, `cache: {store: file, dir: `+filepath.Join(t.TempDir(), "cache")+`}
registries:
  - match: "`+reg.Host+`"
    acr: {}
`)
	var apps []*acrtest.App
	var envs [][]string
	for range 2 {
		app := cloud.Entra.NewApp("")
		secret := app.NewSecret()
		reg.GrantPull(app.ClientID)
		apps = append(apps, app)
		envs = append(envs, append(acrEnv(t, cloud), "REGCRED_CONFIG="+cfg, "REGCRED_CACHE=",
			"AZURE_TENANT_ID="+app.Tenant, "AZURE_CLIENT_ID="+app.ClientID, "AZURE_CLIENT_SECRET="+secret))
	}
	get := func(env []string) string {
		res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: reg.Host}, "get")
		require.Equal(t, 0, res.Exit, "stdout: %s\nstderr: %s", res.Stdout, res.Stderr)
		var a dockerAnswer
		require.NoError(t, json.Unmarshal([]byte(res.Stdout), &a))
		return a.Secret
	}
	first := get(envs[0])
	assert.Equal(t, first, get(envs[0]), "the second get was not answered from the cache")
	assert.Equal(t, 1, cloud.Entra.Requests("client_secret"), "Entra was asked again")
	other := get(envs[1])
	ref, ok := reg.Lookup(other)
	require.True(t, ok)
	assert.Equal(t, apps[1].ClientID, ref.ClientID, "another identity got the first one's cached token")
}
