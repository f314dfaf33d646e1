package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers/ecr/ecrtest"
	"github.com/regcred/regcred/providers/vault/vaulttest"
)

// saKubeletRequest is a v1 request carrying a pod's service-account token
// and annotations, as a kubelet with tokenAttributes sends it.
func saKubeletRequest(t *testing.T, image, token string, annotations map[string]string) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"kind": "CredentialProviderRequest", "apiVersion": "credentialprovider.kubelet.k8s.io/v1",
		"image": image, "serviceAccountToken": token, "serviceAccountAnnotations": annotations,
	})
	require.NoError(t, err)
	return string(b)
}

// kubeletPassword runs one kubelet request and returns the password
// answered for pattern; the tokens must appear in no output.
func kubeletPassword(t *testing.T, env []string, stdin, pattern string, tokens ...string) string {
	t.Helper()
	res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: stdin}, "kubelet")
	for _, tok := range tokens {
		assert.NotContains(t, res.Stdout+res.Stderr, tok, "a service-account token (%.8s…) appears in the output", tok)
	}
	require.Equal(t, 0, res.Exit, "kubelet: exit %d\nstdout: %s\nstderr: %s", res.Exit, res.Stdout, res.Stderr)
	var resp struct {
		Auth map[string]struct{ Username, Password string } `json:"auth"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.Stdout), &resp), "kubelet answer %q", res.Stdout)
	a, ok := resp.Auth[pattern]
	require.True(t, ok, "kubelet answer %s has no credential for %q", res.Stdout, pattern)
	require.NotEqual(t, "", a.Password, "kubelet answer %s has no credential for %q", res.Stdout, pattern)
	return a.Password
}

// TestKubeletServiceAccountECR: each pod pulls from ECR as the role its
// service account's annotation names, and the file cache keeps them apart.
func TestKubeletServiceAccountECR(t *testing.T) {
	cloud := ecrtest.New(t)
	node, env := awsUserEnv(cloud)
	cloud.Deny(node.ARN, "ecr:GetAuthorizationToken") // only the pods' roles may pull
	const builderTok, testerTok = "sa-token-builder.e2e.7f1a", "sa-token-tester.e2e.3c9d"
	builderRole := cloud.NewRole("builder-puller", ecrtest.Trust{WebIdentityTokens: []string{builderTok}})
	testerRole := cloud.NewRole("tester-puller", ecrtest.Trust{WebIdentityTokens: []string{testerTok}})
	const ann, pattern = "eks.amazonaws.com/role-arn", "*.dkr.ecr.*.amazonaws.com"
	cfg := writeConfig(t, `cache: {store: file, dir: `+filepath.Join(t.TempDir(), "cache")+`}
registries:
  - match: "`+pattern+`"
    ecr: {endpoint: "`+cloud.ECRURL()+`", roleArnAnnotation: "`+ann+`"}
`)
	env = append(env, "REGCRED_CONFIG="+cfg, "REGCRED_CACHE=", "REGCRED_LOG=debug", "AWS_ENDPOINT_URL_STS="+cloud.STSURL())
	image := ecrHost + "/app:1"
	steps := []struct {
		name, token, role, principal string
		wantSameAs                   int // index of an earlier step whose cached password must come back; -1: none
		wantECRCalls                 int
	}{
		{name: "builder", token: builderTok, role: builderRole, principal: "arn:aws:sts::123456789012:assumed-role/builder-puller/regcred", wantSameAs: -1, wantECRCalls: 1},
		{name: "tester", token: testerTok, role: testerRole, principal: "arn:aws:sts::123456789012:assumed-role/tester-puller/regcred", wantSameAs: -1, wantECRCalls: 2},
		{name: "builder from cache", token: builderTok, role: builderRole, principal: "arn:aws:sts::123456789012:assumed-role/builder-puller/regcred", wantSameAs: 0, wantECRCalls: 2},
	}
	var got []string
	for _, s := range steps {
		pw := kubeletPassword(t, env, saKubeletRequest(t, image, s.token, map[string]string{ann: s.role}), pattern, builderTok, testerTok)
		got = append(got, pw)
		g, ok := cloud.Lookup(pw)
		assert.True(t, ok, "%s: password issued to %q (known: %v), want %s", s.name, g.Principal, ok, s.principal)
		assert.Equal(t, s.principal, g.Principal, "%s: password issued to %q (known: %v), want %s", s.name, g.Principal, ok, s.principal)
		if s.wantSameAs >= 0 {
			assert.Equal(t, got[s.wantSameAs], pw, "%s: not the cached password of step %d", s.name, s.wantSameAs)
		}
		n := cloud.Calls(ecrtest.ECR)
		assert.Equal(t, s.wantECRCalls, n, "%s: GetAuthorizationToken calls = %d, want %d", s.name, n, s.wantECRCalls)
	}
	assert.NotEqual(t, got[1], got[0], "the second service account got the first one's password")
	// Without the annotation the entry has no identity: exit 1, naming it.
	res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: saKubeletRequest(t, image, builderTok, map[string]string{"other": "x"})}, "kubelet")
	assert.Equal(t, 1, res.Exit, "missing annotation: exit %d, stderr %q; want exit 1 naming %s and no token", res.Exit, res.Stderr, ann)
	assert.Contains(t, res.Stderr, ann, "missing annotation: exit %d, stderr %q; want exit 1 naming %s and no token", res.Exit, res.Stderr, ann)
	assert.NotContains(t, res.Stderr, builderTok, "missing annotation: exit %d, stderr %q; want exit 1 naming %s and no token", res.Exit, res.Stderr, ann)
}

// TestKubeletServiceAccountVault: each pod logs in to Vault with its own
// token as the role its annotation names; the file cache keeps them apart.
func TestKubeletServiceAccountVault(t *testing.T) {
	key := vaulttest.NewRSAKey(t)
	v := vaulttest.New(t)
	root := v.Root()
	root.MountKV("kv", 2)
	root.PutKV("kv", "registry", map[string]any{"username": "robot", "password": "e2e-sa-registry-password"})
	root.Policy("reader", "kv/data/registry")
	kube := root.EnableKubernetes("kubernetes", &key.PublicKey)
	for role, sa := range map[string]string{"build-role": "builder", "test-role": "tester"} {
		kube.Role(role, vaulttest.KubernetesRole{ServiceAccountNames: []string{sa}, ServiceAccountNamespaces: []string{"ci"}, TTL: time.Hour, Policies: []string{"reader"}})
	}
	saTok := func(name string) string {
		return vaulttest.SignJWT(t, key, map[string]any{
			"iss": "https://kubernetes.default.svc", "sub": "system:serviceaccount:ci:" + name, "exp": time.Now().Add(time.Hour).Unix(),
			"kubernetes.io": map[string]any{"namespace": "ci", "serviceaccount": map[string]any{"name": name}},
		})
	}
	builderTok, testerTok := saTok("builder"), saTok("tester")
	const ann, pattern = "vault.hashicorp.com/role", "registry.example.com"
	cfg := writeConfig(t, `cache: {store: file, dir: `+filepath.Join(t.TempDir(), "cache")+`}
registries:
  - match: `+pattern+`
    vault:
      address: `+yamlQuote(v.URL)+`
      path: kv/registry
      auth: {method: kubernetes, roleAnnotation: "`+ann+`"}
`)
	env := []string{"REGCRED_CONFIG=" + cfg, "REGCRED_CACHE=", "REGCRED_LOG=debug"}
	image := pattern + "/app:1"
	logins := func() int { return v.Count(http.MethodPost, "auth/kubernetes/login") }
	steps := []struct {
		name, token, role string
		wantLogins        int
	}{
		{name: "builder", token: builderTok, role: "build-role", wantLogins: 1},
		{name: "tester logs in itself", token: testerTok, role: "test-role", wantLogins: 2},
		{name: "builder from cache", token: builderTok, role: "build-role", wantLogins: 2},
	}
	for _, s := range steps {
		pw := kubeletPassword(t, env, saKubeletRequest(t, image, s.token, map[string]string{ann: s.role}), pattern, builderTok, testerTok)
		assert.Equal(t, "e2e-sa-registry-password", pw, "%s: wrong password", s.name)
		n := logins()
		assert.Equal(t, s.wantLogins, n, "%s: logins = %d, want %d", s.name, n, s.wantLogins)
	}
	// The role really comes from the annotation: the builder naming the
	// tester's role logs in afresh (not from the cache) and is refused.
	res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: saKubeletRequest(t, image, builderTok, map[string]string{ann: "test-role"})}, "kubelet")
	assert.Equal(t, 1, res.Exit, "wrong role: exit %d, stderr %q; want exit 1, refused, no token", res.Exit, res.Stderr)
	assert.Contains(t, res.Stderr, "not authorized", "wrong role: exit %d, stderr %q; want exit 1, refused, no token", res.Exit, res.Stderr)
	assert.NotContains(t, res.Stderr, builderTok, "wrong role: exit %d, stderr %q; want exit 1, refused, no token", res.Exit, res.Stderr)
	n := logins()
	assert.Equal(t, 3, n, "after the wrong role: logins = %d, want 3", n)
}
