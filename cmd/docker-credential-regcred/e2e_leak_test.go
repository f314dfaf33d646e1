package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/registrytest"
	"github.com/regcred/regcred/providers/acr/acrtest"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
	"github.com/regcred/regcred/providers/gcr/gcrtest"
	"github.com/regcred/regcred/providers/oci/ocitest"
)

// Secrets the leak check plants besides those of the backends' fakes.
const (
	leakStaticPW   = "leak-static-pw-4f1a9c"
	leakStorePW    = "leak-store-pw-a1b2c3"
	leakSAToken    = "leak-sa-token-d00d77"
	leakWrongToken = "hvs.leak-wrong-token-9b3e"
	leakWrongSID   = "leak-wrong-secret-id-5e6f"
	leakWrongAWS   = "leak-wrong-aws-secret-7788"
	leakOCIPW      = "leak-oci-pw-3c4d5e"
	leakOCIID      = "ocid1.vaultsecret.oc1.iad.amaaaaaaleakok"
	leakOCIMissing = "ocid1.vaultsecret.oc1.iad.amaaaaaaleakmissing"
	leakECRDown    = "210987654321.dkr.ecr.eu-west-1.amazonaws.com"
	leakGcloudErr  = "ya29.leak-gcloud-stderr-token-0123456789abcdef"
	leakGSA        = "puller@proj.iam.gserviceaccount.com"
	leakGSAKey     = "iam.gke.io/gcp-service-account"
	leakWrongACR   = "leak-wrong-azure-secret-6a7b"
)

// leakWorld is one config with a working, a wrong-secret, a missing-secret
// and a down entry per backend, each against its verifying fake, and
// every secret in play (tokens the fakes issue are added as they are
// answered).
type leakWorld struct {
	t        *testing.T
	bin      string
	env      []string
	cacheDir string
	secrets  map[string]string // what → value
	ecr      *ecrtest.Cloud
	gcr      *gcrtest.Server
	cluster  *gcrtest.Cluster
	podToken string
	acr      *acrtest.Registry
	acrBad   *acrtest.Registry // its entry's client secret is wrong
	acrDown  string            // an ACR entry whose Entra is down
	entra    *acrtest.Entra
	// keyless is the CI issuer and the services trading its tokens: the
	// identity tokens and what they buy are issued as the runs go, so
	// each run reads them afresh.
	keyless *keylessWorld
}

func newLeakWorld(t *testing.T) *leakWorld {
	t.Helper()
	w := &leakWorld{t: t, bin: testBinary(t), cacheDir: filepath.Join(t.TempDir(), "cache"), secrets: map[string]string{
		"static": leakStaticPW, "store": leakStorePW, "service-account token": leakSAToken,
		"wrong vault token": leakWrongToken, "wrong secret id": leakWrongSID, "wrong AWS key": leakWrongAWS,
		"oci password": leakOCIPW, "oci content": ocitest.PullSecret("oci-robot", leakOCIPW),
	}}
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content+"\n"), 0o600))
		return p
	}
	down := "http://" + gcrtest.ClosedAddr(t)

	v := newVaultE2E(t)
	for i, s := range v.secrets {
		w.secrets[fmt.Sprintf("vault secret %d", i)] = s
	}
	vaultEntry := func(match, addr, path, auth string) string {
		return fmt.Sprintf("  - match: %s\n    vault: {address: %q, namespace: team-a, path: %s, timeout: 1s, auth: %s}\n", match, addr, path, auth)
	}
	tokenAuth := fmt.Sprintf("{tokenFile: %q}", v.files["token"])

	w.ecr = ecrtest.New(t)
	keys, awsEnv := awsUserEnv(w.ecr)
	w.secrets["AWS secret key"] = keys.SecretAccessKey

	w.gcr = gcrtest.NewServer(t)
	sa := w.gcr.NewServiceAccount(t, "leak-pull@proj.iam.gserviceaccount.com")
	var key map[string]any
	require.NoError(t, json.Unmarshal(sa.KeyJSON(), &key))
	w.secrets["GCP private key"] = pemBody(key["private_key"].(string))
	forged := sa.Forged(t)
	key["token_uri"] = down + "/token"
	downKey, err := json.Marshal(key)
	require.NoError(t, err)

	// The user's gcloud login, a gcloud that fails printing a token, and
	// a cluster federated with the fake Google for kubelet requests.
	gcloud := w.gcr.NewGcloud(t)
	user := w.gcr.NewUser("leak-dev@example.com")
	gcloud.Login(t, "default", user)
	w.secrets["gcloud refresh token"], w.secrets["gcloud client secret"], w.secrets["gcloud stderr token"] = user.RefreshToken, user.ClientSecret, leakGcloudErr
	brokenGcloud := filepath.Join(dir, "gcloud-broken")
	require.NoError(t, os.WriteFile(brokenGcloud, []byte("#!/bin/sh\necho 'ERROR: (gcloud.config.config-helper) refresh failed for "+leakGcloudErr+"' >&2\nexit 1\n"), 0o700))
	w.cluster = w.gcr.NewCluster(t, "leak")
	w.gcr.AllowImpersonation(w.cluster.Principal("ci", "puller"), leakGSA)
	w.podToken = w.cluster.Token(t, "ci", "puller")
	w.secrets["Google pod token"] = w.podToken
	azure := acrtest.New(t)
	w.acr = azure.NewRegistry(t, acrtest.RegistryOptions{Plain: true})
	w.acrBad = azure.NewRegistry(t, acrtest.RegistryOptions{Plain: true})
	acrApp := azure.Entra.NewApp("")
	w.secrets["Azure client secret"] = acrApp.NewSecret()
	w.acr.GrantPull(acrApp.ClientID)
	w.acrBad.GrantPull(acrApp.ClientID)
	acrEntry := func(reg, secretFile, authority string) string {
		return fmt.Sprintf("  - match: %q\n    acr: {tenantId: %s, clientId: %s, clientSecretFile: %q, authorityHost: %q}\n",
			reg, acrApp.Tenant, acrApp.ClientID, secretFile, authority)
	}
	w.acrDown = gcrtest.ClosedAddr(t)
	w.entra = azure.Entra
	w.keyless = newKeylessWorld(t)
	// Keyless Google and Azure entries: the CI job's token exchanged at a
	// pool provider that trusts the CI, and as a federated app's assertion.
	ciPool := w.gcr.TrustIssuer(w.keyless.iss.URL, "ci-pool", w.keyless.iss.Subject)
	w.gcr.AllowImpersonation(ciPool.PrincipalOf(w.keyless.iss.Subject), leakGSA)
	ciApp := azure.Entra.NewApp("")
	ciApp.FederateIssuer(w.keyless.iss.URL, w.keyless.iss.Subject, acrtest.ExchangeAudience)
	w.acr.GrantPull(ciApp.ClientID)
	otherApp := azure.Entra.NewApp("")
	otherApp.FederateIssuer(w.keyless.iss.URL, "repo:acme/other:ref:refs/heads/main", acrtest.ExchangeAudience)
	w.acrBad.GrantPull(otherApp.ClientID)
	garKeyless := func(match, audience string) string {
		return fmt.Sprintf("  - match: %s\n    gcr: {workloadIdentityProvider: %q, impersonateServiceAccount: %s, stsEndpoint: %q, iamCredentialsEndpoint: %q, idToken: {audience: %q}}\n",
			match, ciPool.Provider, leakGSA, w.gcr.URL, w.gcr.IAMCredentialsURL(), audience)
	}
	acrKeyless := func(match string, app *acrtest.App) string {
		return fmt.Sprintf("  - match: %q\n    acr: {tenantId: %s, clientId: %s, authorityHost: %q, idToken: {}}\n", match, app.Tenant, app.ClientID, azure.Entra.URL+"/")
	}

	oci := newOCIE2E(t)
	oci.put(leakOCIID, "oci-robot", leakOCIPW)
	ociEntry := func(match, id, endpoint string) string {
		return fmt.Sprintf("  - match: %s\n    ocivault: {secretId: %s, configFile: %q, endpoint: %q}\n", match, id, oci.config, endpoint)
	}

	cfg := writeConfig(t, "defaults: false\ncache: {store: file, dir: "+yamlQuote(w.cacheDir)+", ttl: 10m}\nregistries:\n"+
		"  - match: static.example.com\n    answersAnyPod: true\n    static: {username: s-user, passwordEnv: LEAK_STATIC_PW}\n"+
		"  - match: static-missing.example.com\n    static: {username: s-user, passwordEnv: LEAK_UNSET_PW}\n"+
		"  - match: static-wrong.example.com\n    static: {username: s-user, passwordFile: "+yamlQuote(filepath.Join(dir, "absent"))+"}\n"+
		vaultEntry("vault.example.com", v.plain.URL, "kv/registry/ci", tokenAuth)+
		vaultEntry("vault-approle.example.com", v.plain.URL, "kv/registry/ci", fmt.Sprintf("{method: approle, roleId: %s, secretIdFile: %q}", e2eRoleID, v.files["secret-id"]))+
		// The kubelet requests carry a service-account token: these two
		// answer as the node, so they opt in to answering pods.
		strings.Replace(vaultEntry("vault-wrong.example.com", v.plain.URL, "kv/registry/ci", fmt.Sprintf("{tokenFile: %q}", file("wrong-token", leakWrongToken))),
			"    vault:", "    answersAnyPod: true\n    vault:", 1)+
		vaultEntry("vault-wrong-sid.example.com", v.plain.URL, "kv/registry/ci", fmt.Sprintf("{method: approle, roleId: %s, secretIdFile: %q}", e2eRoleID, file("wrong-sid", leakWrongSID)))+
		vaultEntry("vault-missing.example.com", v.plain.URL, "kv/registry/none", tokenAuth)+
		vaultEntry("vault-down.example.com", down, "kv/registry/ci", tokenAuth)+
		fmt.Sprintf("  - match: %s\n    ecr: {endpoint: %q}\n", ecrHost, w.ecr.ECRURL())+
		fmt.Sprintf("  - match: %s\n    ecr: {endpoint: %q}\n", leakECRDown, down)+
		fmt.Sprintf("  - match: europe-west1-docker.pkg.dev/proj\n    gcr: {credentialsFile: %q}\n", sa.WriteKeyFile(t, t.TempDir()))+
		fmt.Sprintf("  - match: europe-west1-docker.pkg.dev/forged\n    gcr: {credentialsFile: %q}\n", forged.WriteKeyFile(t, t.TempDir()))+
		fmt.Sprintf("  - match: europe-west1-docker.pkg.dev/down\n    gcr: {credentialsFile: %q}\n", gcrtest.WriteFile(t, filepath.Join(dir, "down-key.json"), downKey))+
		"  - match: europe-west1-docker.pkg.dev/gcloud\n    gcr: {source: gcloud}\n"+
		fmt.Sprintf("  - match: europe-west1-docker.pkg.dev/gcloud-broken\n    gcr: {source: gcloud, gcloudPath: %q}\n", brokenGcloud)+
		fmt.Sprintf("  - match: us-docker.pkg.dev/pod\n    gcr: {workloadIdentityProvider: %q, serviceAccountAnnotation: %s, stsEndpoint: %q, iamCredentialsEndpoint: %q}\n",
			w.cluster.Provider, leakGSAKey, w.gcr.URL, w.gcr.IAMCredentialsURL())+
		ociEntry("example.registry.io/team", leakOCIID, oci.secrets.URL)+
		ociEntry("example.registry.io/missing", leakOCIMissing, oci.secrets.URL)+
		ociEntry("oci-down.registry.io", leakOCIID, down)+
		acrEntry(w.acr.Host, file("acr-secret", w.secrets["Azure client secret"]), azure.Entra.URL+"/")+
		acrEntry(w.acrBad.Host, file("acr-wrong", leakWrongACR), azure.Entra.URL+"/")+
		acrEntry(w.acrDown, file("acr-secret-2", w.secrets["Azure client secret"]), "https://"+w.acrDown+"/")+
		fmt.Sprintf("  - match: jfrog.leak.example\n    jfrog: {url: %q, providerName: github-oidc, idToken: {audience: jfrog-github}}\n", w.keyless.jfrog.URL)+
		fmt.Sprintf("  - match: jfrog-wrong.leak.example\n    jfrog: {url: %q, providerName: github-oidc, idToken: {audience: other}}\n", w.keyless.jfrog.URL)+
		fmt.Sprintf("  - match: quay.leak.example\n    quay: {robot: acme+ci, url: %q}\n", w.keyless.quay.URL)+
		"  - match: harbor.leak.example\n    jwt: {username: \"robot$ci\"}\n"+
		garKeyless("europe-west1-docker.pkg.dev/keyless", ciPool.TokenAudience)+
		garKeyless("europe-west1-docker.pkg.dev/keyless-wrong", "other")+
		acrKeyless(w.acr.Host+"/keyless", ciApp)+
		acrKeyless(w.acrBad.Host+"/keyless-wrong", otherApp))
	w.secrets["wrong Azure secret"] = leakWrongACR
	w.env = append(append(append(awsEnv, gcloud.Env()...), w.keyless.jobEnv()...), "SSL_CERT_FILE="+azure.CAFile(t, dir), "REGCRED_CONFIG="+cfg, "REGCRED_CACHE=", "REGCRED_LOG=debug", "LEAK_STATIC_PW="+leakStaticPW, brokenBus(t))
	return w
}

// keylessSecrets are the keyless world's tokens (identity, request,
// exchanged) and the access tokens Entra issued on the way to ACR's.
func (w *leakWorld) keylessSecrets() []string {
	out := w.keyless.secrets()
	if w.entra != nil {
		out = append(out, w.entra.IssuedTokens()...)
	}
	return out
}

// pemBody is a line from the middle of a PEM block: what a leak of the
// key would show.
func pemBody(p string) string {
	lines := strings.Split(strings.TrimSpace(p), "\n")
	return lines[len(lines)/2]
}

// leakRun is one command; allowed picks out of stdout the secrets this
// command may answer (get's credential, the kubelet's passwords).
type leakRun struct {
	name     string
	args     []string
	stdin    string
	env      []string
	wantExit int
	allowed  func(t *testing.T, w *leakWorld, stdout string) []string
}

// run executes r and checks that no secret reaches stderr, and none but
// the allowed ones reaches stdout (which, on failure, is the error text).
func (w *leakWorld) run(t *testing.T, r leakRun) runResult {
	t.Helper()
	res := runBinary(t, w.bin, runOpts{Env: append(append([]string{}, w.env...), r.env...), Stdin: r.stdin, Timeout: 30 * time.Second}, r.args...)
	require.Equal(t, r.wantExit, res.Exit, "%v: exit %d, want %d\nstdout: %s\nstderr: %s", r.args, res.Exit, r.wantExit, res.Stdout, res.Stderr)
	stdout := res.Stdout
	if r.allowed != nil && res.Exit == 0 {
		for _, s := range r.allowed(t, w, stdout) {
			stdout = strings.ReplaceAll(stdout, s, "[allowed]")
		}
	}
	for what, s := range w.secrets {
		assert.NotContains(t, res.Stderr, s, "%v: stderr holds the %s", r.args, what)
		assert.NotContains(t, stdout, s, "%v: stdout holds the %s:\n%s", r.args, what, res.Stdout)
	}
	for i, s := range w.keylessSecrets() {
		assert.NotContains(t, res.Stderr, s, "%v: stderr holds keyless token %d (an identity, request or exchanged token)", r.args, i)
		assert.NotContains(t, stdout, s, "%v: stdout holds keyless token %d (an identity, request or exchanged token):\n%s", r.args, i, res.Stdout)
	}
	return res
}

// answer accepts get's credential if it is the one planted for the
// request (or, for ECR and Google, one the fake issued), and records a
// token as a secret for every later command.
func answer(want string) func(t *testing.T, w *leakWorld, stdout string) []string {
	return func(t *testing.T, w *leakWorld, stdout string) []string {
		t.Helper()
		a := decodeOneLeakAnswer(t, stdout)
		switch want {
		case "ecr":
			_, ok := w.ecr.Lookup(a.Secret)
			require.True(t, ok, "answered a password the fake ECR did not issue")
			w.secrets["ECR token "+a.Secret[:8]] = a.Secret
		case "keyless":
			require.True(t, slices.Contains(append(w.keyless.jfrog.Issued(), w.keyless.quay.Issued()...), a.Secret) ||
				slices.Contains(w.keyless.iss.Issued(), a.Secret), "answered a token no keyless fake issued")
		case "gcr":
			_, ok := w.gcr.Lookup(a.Secret)
			require.True(t, ok, "answered a token the fake Google did not issue")
			w.secrets["Google token "+a.Secret[:8]] = a.Secret
		case "acr":
			_, ok := w.acr.Lookup(a.Secret)
			require.True(t, ok, "answered a refresh token the fake ACR did not issue")
			w.secrets["ACR token "+a.Secret[len(a.Secret)-8:]] = a.Secret
		default:
			require.Equal(t, want, a.Secret, "answered another secret than the one planted")
		}
		return []string{a.Secret}
	}
}

func decodeOneLeakAnswer(t *testing.T, stdout string) dockerAnswer {
	t.Helper()
	var a dockerAnswer
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	err := dec.Decode(&a)
	require.NoError(t, err, "get answer %q", stdout)
	require.False(t, dec.More(), "get answer %q: more than one", stdout)
	require.NotEqual(t, "", a.Secret, "get answer %q: no secret", stdout)
	return a
}

// kubeletPasswords allows the passwords of a kubelet answer.
func kubeletPasswords(t *testing.T, _ *leakWorld, stdout string) []string {
	t.Helper()
	var resp struct {
		Auth map[string]struct{ Password string } `json:"auth"`
	}
	err := json.Unmarshal([]byte(stdout), &resp)
	require.NoError(t, err, "kubelet answer %q", stdout)
	require.NotEmpty(t, resp.Auth, "kubelet answer %q: no auth", stdout)
	var out []string
	for _, a := range resp.Auth {
		out = append(out, a.Password)
	}
	return out
}

// googleKubeletRequest is a pod's request with a token of the federated
// cluster.
func googleKubeletRequest(t *testing.T, token string) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"kind": "CredentialProviderRequest", "apiVersion": "credentialprovider.kubelet.k8s.io/v1",
		"image": "us-docker.pkg.dev/pod/app", "serviceAccountToken": token, "serviceAccountAnnotations": map[string]string{leakGSAKey: leakGSA}})
	require.NoError(t, err)
	return string(b)
}

func kubeletRequest(image string) string {
	return `{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"` + image +
		`","serviceAccountToken":"` + leakSAToken + `","serviceAccountAnnotations":{"regcred.io/role":"puller"}}`
}

// TestSecretsNeverLeakThroughBinary runs every verb at debug level over
// static, Vault, ECR, Google, Azure, OCI and keyless entries, on success and on every
// failure path (wrong secret, missing secret, backend down), and checks
// that no secret reaches stderr, an error, `cache list`, or the name of
// any file the cache or the login store writes. Only get's own answer,
// and the kubelet's passwords, carry the secret asked for.
func TestSecretsNeverLeakThroughBinary(t *testing.T) {
	w := newLeakWorld(t)
	get := func(name, stdin string, exit int, want string) leakRun {
		r := leakRun{name: "get " + name, args: []string{"get"}, stdin: stdin, wantExit: exit}
		if exit == 0 {
			r.allowed = answer(want)
		}
		return r
	}
	runs := []leakRun{
		// Failure paths first, before a token is cached.
		{name: "get ecr wrong AWS key", args: []string{"get"}, stdin: ecrHost, env: []string{"AWS_SECRET_ACCESS_KEY=" + leakWrongAWS}, wantExit: 1},
		get("ecr down", leakECRDown, 1, ""),
		get("static missing env", "static-missing.example.com", 1, ""),
		get("static missing file", "static-wrong.example.com/app", 1, ""),
		get("vault wrong token", "vault-wrong.example.com", 1, ""),
		get("vault wrong secret id", "vault-wrong-sid.example.com", 1, ""),
		get("vault missing secret", "vault-missing.example.com", 1, ""),
		get("vault down", "vault-down.example.com", 1, ""),
		get("gcr forged key", "europe-west1-docker.pkg.dev/forged/app", 1, ""),
		get("gcr down", "europe-west1-docker.pkg.dev/down/app", 1, ""),
		get("gcloud failing", "europe-west1-docker.pkg.dev/gcloud-broken/app", 1, ""),
		{name: "kubelet google forged token", args: []string{"kubelet"}, wantExit: 1, stdin: googleKubeletRequest(t, w.cluster.Forged(t,
			map[string]any{"iss": w.cluster.Issuer, "sub": "system:serviceaccount:ci:puller", "aud": w.cluster.TokenAudience, "exp": 1 << 40}))},
		get("oci missing secret", "example.registry.io/missing/app", 1, ""),
		get("oci down", "oci-down.registry.io/app", 1, ""),
		get("acr wrong secret", w.acrBad.Host, 1, ""),
		get("acr down", w.acrDown, 1, ""),
		get("jfrog wrong audience", "jfrog-wrong.leak.example", 1, ""),
		{name: "get keyless without id-token permission", args: []string{"get"}, stdin: "jfrog.leak.example", env: []string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN="}, wantExit: 1},
		get("gcr keyless wrong audience", "europe-west1-docker.pkg.dev/keyless-wrong/app", 1, ""),
		get("acr keyless subject not federated", w.acrBad.Host+"/keyless-wrong/app", 1, ""),
		get("no match", "nowhere.example.net", 1, ""),
		{name: "kubelet all failing", args: []string{"kubelet"}, stdin: kubeletRequest("vault-wrong.example.com/app"), wantExit: 1},
		{name: "store bad JSON", args: []string{"store"}, stdin: `{"ServerURL":"login.example.com","Secret":"` + leakStorePW, wantExit: 1},
		{name: "store no user", args: []string{"store"}, stdin: `{"ServerURL":"login.example.com","Secret":"` + leakStorePW + `"}`, wantExit: 1},
		// Successes, twice where a cache can answer the second.
		get("static", "static.example.com", 0, leakStaticPW),
		get("static again", "https://static.example.com/v2/", 0, leakStaticPW),
		get("vault token", "vault.example.com/app", 0, "e2e-registry-password-77"),
		get("vault approle", "vault-approle.example.com", 0, "e2e-registry-password-77"),
		get("ecr", ecrHost, 0, "ecr"),
		get("ecr cached", ecrHost, 0, "ecr"),
		get("gcr", "europe-west1-docker.pkg.dev/proj/app", 0, "gcr"),
		get("oci", "example.registry.io/team/app:1", 0, leakOCIPW),
		get("gcloud", "europe-west1-docker.pkg.dev/gcloud/app", 0, "gcr"),
		get("gcloud cached", "europe-west1-docker.pkg.dev/gcloud/app", 0, "gcr"),
		{name: "kubelet google pod", args: []string{"kubelet"}, stdin: googleKubeletRequest(t, w.podToken), allowed: kubeletPasswords},
		get("acr", w.acr.Host, 0, "acr"),
		get("acr cached", w.acr.Host, 0, "acr"),
		get("jfrog keyless", "jfrog.leak.example", 0, "keyless"),
		get("jfrog keyless cached", "jfrog.leak.example/team/app", 0, "keyless"),
		get("quay keyless", "quay.leak.example/acme/app", 0, "keyless"),
		get("jwt keyless", "harbor.leak.example", 0, "keyless"),
		get("gcr keyless", "europe-west1-docker.pkg.dev/keyless/app", 0, "gcr"),
		get("gcr keyless cached", "europe-west1-docker.pkg.dev/keyless/other", 0, "gcr"),
		get("acr keyless", w.acr.Host+"/keyless/app", 0, "acr"),
		get("acr keyless cached", w.acr.Host+"/keyless/other", 0, "acr"),
		{name: "kubelet", args: []string{"kubelet"}, stdin: kubeletRequest("static.example.com/app"), allowed: kubeletPasswords},
		{name: "store", args: []string{"store"}, stdin: `{"ServerURL":"login.example.com","Username":"l-user","Secret":"` + leakStorePW + `"}`},
		get("stored login", "login.example.com", 0, leakStorePW),
		{name: "list", args: []string{"list"}},
		{name: "version", args: []string{"version"}},
		{name: "check", args: []string{"check"}, wantExit: 1},
		// The table walks every entry; the JSON form the failures that
		// answer at once (the down ones retry for seconds).
		{name: "check json", args: []string{"check", "--output", "json", "static.example.com", "static-missing.example.com", "vault.example.com",
			"vault-wrong.example.com", "vault-wrong-sid.example.com", "vault-missing.example.com", ecrHost,
			"europe-west1-docker.pkg.dev/proj/a", "europe-west1-docker.pkg.dev/forged/a", "example.registry.io/team/a", "example.registry.io/missing/a",
			"jfrog.leak.example", "jfrog-wrong.leak.example", "quay.leak.example/acme/a"}, wantExit: 1},
		{name: "check verify keyless", args: []string{"check", "--verify", "jfrog.leak.example", "quay.leak.example/acme/a", "harbor.leak.example"}, wantExit: 1},
		{name: "configure-docker", args: []string{"configure-docker", "--dry-run"}},
		{name: "setup kubelet", args: []string{"setup", "kubelet"}},
		{name: "cache list", args: []string{"cache", "list"}},
	}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) { w.run(t, r) })
	}
	// Tokens issued by a fake but never answered (a refresh, a login)
	// must not be in names either.
	for i, tok := range w.gcr.IssuedTokens() {
		w.secrets[fmt.Sprintf("issued Google token %d", i)] = tok
	}
	t.Run("cache and login file names", func(t *testing.T) {
		names := w.checkFileNames(t, w.cacheDir)
		assert.Contains(t, names, "/tokens/", "expected cached tokens and a stored login under %s", w.cacheDir)
		assert.Contains(t, names, "/logins/", "expected cached tokens and a stored login under %s", w.cacheDir)
	})
	t.Run("cache list lists what is cached", func(t *testing.T) {
		res := w.run(t, leakRun{args: []string{"cache", "list"}})
		for _, want := range []string{ecrHost, "vault.example.com", "example.registry.io", "europe-west1-docker.pkg.dev", w.acr.Host} {
			assert.Contains(t, res.Stdout, want, "cache list lacks %s", want)
		}
	})
	t.Run("erase", func(t *testing.T) {
		w.run(t, leakRun{args: []string{"erase"}, stdin: "login.example.com"})
		w.run(t, leakRun{args: []string{"erase"}, stdin: ecrHost})
	})
	t.Run("cache clear", func(t *testing.T) {
		w.run(t, leakRun{args: []string{"cache", "clear", "static.example.com"}})
		w.run(t, leakRun{args: []string{"cache", "clear"}})
		w.checkFileNames(t, w.cacheDir)
	})
}

// checkFileNames fails if any path under dir names a secret, and returns
// the paths. Index files (secret-free by design) are read too; token
// records are the cache itself and may hold the token inside.
func (w *leakWorld) checkFileNames(t *testing.T, dir string) string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		paths = append(paths, p)
		for what, s := range w.secrets {
			assert.NotContains(t, p, s, "path %s names the %s", p, what)
		}
		for i, s := range w.keylessSecrets() {
			assert.NotContains(t, p, s, "path %s names keyless token %d", p, i)
		}
		if !d.IsDir() && strings.Contains(p, "keyring-index") {
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			for what, s := range w.secrets {
				assert.NotContains(t, string(data), s, "keyring index %s holds the %s", p, what)
			}
		}
		return nil
	})
	require.NoError(t, err, "walking %s", dir)
	sort.Strings(paths)
	return strings.Join(paths, "\n")
}

// TestCheckVerifyNeverLeaks: `check --verify` proves static and Vault
// credentials against a real registry, accepted and rejected, and prints
// no password either way.
func TestCheckVerifyNeverLeaks(t *testing.T) {
	reg := registrytest.Start(t)
	v := newVaultE2E(t)
	v.plain.Namespace("team-a").PutKV("kv", "registry/reg", map[string]any{"username": reg.Username, "password": reg.Password})
	const wrong = "leak-verify-wrong-pw-11"
	cfg := writeConfig(t, fmt.Sprintf(`defaults: false
registries:
  - match: %[1]s/good
    static: {username: %[2]s, passwordFile: %[3]q}
  - match: %[1]s/bad
    static: {username: %[2]s, passwordFile: %[4]q}
  - match: %[1]s/vault
    vault: {address: %[5]q, namespace: team-a, path: kv/registry/reg, auth: {tokenFile: %[6]q}}
`, reg.Addr, reg.Username, secretFile(t, reg.Password), secretFile(t, wrong), v.plain.URL, v.files["token"]))
	w := &leakWorld{t: t, bin: testBinary(t), env: []string{"REGCRED_CONFIG=" + cfg, "REGCRED_LOG=debug"},
		secrets: map[string]string{"registry password": reg.Password, "wrong password": wrong}}
	for i, s := range v.secrets {
		w.secrets[fmt.Sprintf("vault secret %d", i)] = s
	}
	for _, args := range [][]string{{"check", "--verify"}, {"check", "--verify", "--output", "json"}} {
		res := w.run(t, leakRun{args: args, wantExit: 1})
		assert.Contains(t, res.Stdout, "accepted", "%v did not verify both ways", args)
		assert.Contains(t, res.Stdout, "rejected", "%v did not verify both ways", args)
	}
}

// TestKeyringStoreNeverLeaks runs get, store, cache list and erase with
// the keyring store in a real Secret Service (gnome-keyring on a private
// bus): the secrets go into the keyring, the secret-free index and the
// file names hold none of them.
func TestKeyringStoreNeverLeaks(t *testing.T) {
	registrytest.RequireTool(t, "dbus-run-session", "dbus")
	registrytest.RequireTool(t, "gnome-keyring-daemon", "gnome-keyring")
	script, err := filepath.Abs(filepath.Join("..", "..", "credhelper", "cache", "testdata", "with-secret-service.sh"))
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "cache")
	cfg := writeConfig(t, "defaults: false\ncache: {store: keyring, dir: "+yamlQuote(dir)+", ttl: 10m}\nregistries:\n"+
		"  - match: static.example.com\n    static: {username: s-user, passwordEnv: LEAK_STATIC_PW}\n")
	steps := `set -eu
b="$1"
echo "--- get"; echo static.example.com | "$b" get
echo "--- store"; printf '%s' '{"ServerURL":"login.example.com","Username":"l-user","Secret":"` + leakStorePW + `"}' | "$b" store
echo "--- get login"; echo login.example.com | "$b" get
echo "--- cache list"; "$b" cache list
echo "--- files"; find "` + dir + `" -print
echo "--- index"; find "` + dir + `" -path '*keyring-index*' -type f -exec cat {} +
echo "--- erase"; echo login.example.com | "$b" erase
echo "--- cache clear"; "$b" cache clear
echo "--- files after"; find "` + dir + `" -print
`
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, script, "bash", "-c", steps, "steps", testBinary(t))
	cmd.Env = append(cleanEnv(t), "REGCRED_CONFIG="+cfg, "REGCRED_CACHE=", "REGCRED_LOG=debug", "LEAK_STATIC_PW="+leakStaticPW)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	sections := map[string]string{}
	for _, part := range strings.Split(stdout.String(), "--- ")[1:] {
		head, body, _ := strings.Cut(part, "\n")
		sections[head] = body
	}
	require.Contains(t, sections["get"], leakStaticPW, "the keyring did not answer:\n%s\n%s", stdout.String(), stderr.String())
	require.Contains(t, sections["get login"], leakStorePW, "the keyring did not answer:\n%s\n%s", stdout.String(), stderr.String())
	assert.Contains(t, sections["files"], "keyring-index", "no keyring index written under %s", dir)
	for _, s := range []string{leakStaticPW, leakStorePW} {
		for head, body := range sections {
			if head != "get" && head != "get login" {
				assert.NotContains(t, body, s, "%s output holds a secret", head)
			}
		}
		assert.NotContains(t, stderr.String(), s, "stderr holds a secret")
	}
}
