package main

import (
	"crypto/rsa"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers/ecr/ecrtest"
	"github.com/regcred/regcred/providers/vault/vaulttest"
)

// Issue 29: on a shared node one plugin answers every pod, so a pod's
// credential comes from that pod's identity or from nothing. These run the
// built executables against the fakes.

// tenantVault is a Vault with Kubernetes auth and two teams' secrets: role-a
// reads kv/team-a, role-b kv/team-b; both roles are bound to the node's
// service account (kube-system/node), role-a also to team-a's, role-b to
// team-b's.
type tenantVault struct {
	v   *vaulttest.Server
	key *rsa.PrivateKey
}

func newTenantVault(t *testing.T) tenantVault {
	t.Helper()
	key := vaulttest.NewRSAKey(t)
	v := vaulttest.New(t)
	root := v.Root()
	root.MountKV("kv", 2)
	kube := root.EnableKubernetes("kubernetes", &key.PublicKey)
	for _, team := range []string{"a", "b"} {
		root.PutKV("kv", "team-"+team, map[string]any{"username": "team-" + team, "password": "SECRET-" + strings.ToUpper(team)})
		root.Policy("read-"+team, "kv/data/team-"+team)
		kube.Role("role-"+team, vaulttest.KubernetesRole{ServiceAccountNames: []string{"node", "team-" + team},
			ServiceAccountNamespaces: []string{"kube-system", "team-" + team}, TTL: time.Hour, Policies: []string{"read-" + team}})
	}
	return tenantVault{v: v, key: key}
}

// token is a service-account token of namespace/name expiring at exp.
func (tv tenantVault) token(t *testing.T, namespace, name string, exp time.Time) string {
	t.Helper()
	return vaulttest.SignJWT(t, tv.key, map[string]any{
		"iss": "https://kubernetes.default.svc", "sub": "system:serviceaccount:" + namespace + ":" + name, "exp": exp.Unix(),
		"kubernetes.io": map[string]any{"namespace": namespace, "serviceaccount": map[string]any{"name": name}},
	})
}

func (tv tenantVault) logins() int { return tv.v.Count(http.MethodPost, "auth/kubernetes/login") }

// Finding 1: with jwtFile the login is the node's, so a role named by the
// pod's annotation let a team-b pod read team-a's secret. Such an entry is
// refused when the config is loaded, saying why; Vault is never asked.
func TestKubeletTenantRoleAnnotationWithNodeTokenRefused(t *testing.T) {
	tv := newTenantVault(t)
	nodeToken := filepath.Join(t.TempDir(), "node-token")
	require.NoError(t, os.WriteFile(nodeToken, []byte(tv.token(t, "kube-system", "node", time.Now().Add(time.Hour))), 0o600))
	const ann = "regcred.example.com/role"
	var b strings.Builder
	b.WriteString("defaults: false\nregistries:\n")
	for _, team := range []string{"a", "b"} {
		b.WriteString(`  - match: reg.io/team-` + team + `
    vault:
      address: ` + yamlQuote(tv.v.URL) + `
      path: kv/team-` + team + `
      auth: {method: kubernetes, roleAnnotation: "` + ann + `", jwtFile: ` + yamlQuote(nodeToken) + `}
`)
	}
	env := []string{"REGCRED_CONFIG=" + writeConfig(t, b.String())}
	teamB := tv.token(t, "team-b", "team-b", time.Now().Add(time.Hour))
	res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: saKubeletRequest(t, "reg.io/team-a/app", teamB, map[string]string{ann: "role-a"})}, "kubelet")
	require.NotContains(t, res.Stdout+res.Stderr, "SECRET-A", "a team-b pod naming role-a got team-a's secret:\n%s", res.Stdout)
	assert.Equal(t, 1, res.Exit, "exit %d, stdout %q; want exit 1 and no answer", res.Exit, res.Stdout)
	assert.Equal(t, "", res.Stdout, "exit %d, stdout %q; want exit 1 and no answer", res.Exit, res.Stdout)
	for _, want := range []string{"registries[0]", "auth.roleAnnotation with auth.jwtFile", "the role would be chosen by the pod's annotation but the login made with the token in " + nodeToken} {
		assert.Contains(t, res.Stderr, want, "stderr lacks %q", want)
	}
	assert.NotContains(t, res.Stderr, teamB, "the pod's token reached stderr")
	n := tv.logins()
	assert.Equal(t, 0, n, "Vault saw %d logins, want 0", n)
}

// Finding 2: a failing service-account entry never falls through to the
// node's AWS identity (here: the built-in ECR entry, left on). The fake
// ECR and STS record every key that signs: the node's must sign nothing
// made for a pod. A request without a token (node mode) still uses it.
func TestKubeletTenantECRNeverAnswersPodAsNode(t *testing.T) {
	cloud := ecrtest.New(t)
	node, env := awsUserEnv(cloud)
	const podTok, strangerTok = "sa-token.tenant.builder.41d2", "sa-token.tenant.stranger.77ae"
	role := cloud.NewRole("builder-puller", ecrtest.Trust{WebIdentityTokens: []string{podTok}})
	other := cloud.NewRole("other-puller", ecrtest.Trust{WebIdentityTokens: []string{"some-other-token"}})
	const ann = "eks.amazonaws.com/role-arn"
	cfg := writeConfig(t, `registries:
  - match: "*.dkr.ecr.*.amazonaws.com"
    ecr: {endpoint: "`+cloud.ECRURL()+`", roleArnAnnotation: "`+ann+`"}
`)
	env = append(env, "REGCRED_CONFIG="+cfg, "AWS_ENDPOINT_URL_STS="+cloud.STSURL(),
		"AWS_ENDPOINT_URL_ECR="+cloud.ECRURL(), "AWS_ENDPOINT_URL_ECR_PUBLIC="+cloud.ECRURL())
	image := ecrHost + "/app"
	tests := []struct {
		name, token string
		annotations map[string]string
		wantErr     []string
	}{
		{name: "annotation missing", token: podTok, annotations: map[string]string{"other": "x"},
			wantErr: []string{"*.dkr.ecr.*.amazonaws.com (ecr, ", `no annotation "` + ann + `"`, "built-in"}},
		{name: "a role the token cannot assume", token: podTok, annotations: map[string]string{ann: other},
			wantErr: []string{"*.dkr.ecr.*.amazonaws.com (ecr, ", "could not assume role " + other, "InvalidIdentityToken"}},
		{name: "garbage token", token: strangerTok, annotations: map[string]string{ann: role},
			wantErr: []string{"could not assume role " + role}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: saKubeletRequest(t, image, tt.token, tt.annotations)}, "kubelet")
			assert.Equal(t, 1, res.Exit, "exit %d, stdout %q; want exit 1 and no answer (not the node's credential)", res.Exit, res.Stdout)
			assert.Equal(t, "", res.Stdout, "exit %d, stdout %q; want exit 1 and no answer (not the node's credential)", res.Exit, res.Stdout)
			for _, want := range tt.wantErr {
				assert.Contains(t, res.Stderr, want, "stderr lacks %q", want)
			}
			assert.NotContains(t, res.Stderr, "not found", "stderr says not found, or holds a secret")
			assert.NotContains(t, res.Stderr, tt.token, "stderr says not found, or holds a secret")
			assert.NotContains(t, res.Stderr, node.SecretAccessKey, "stderr says not found, or holds a secret")
			n := cloud.SignedWith(node.AccessKeyID)
			require.Equal(t, 0, n, "the node's access key signed %d requests made for a pod", n)
		})
	}
	t.Run("the pod's own role", func(t *testing.T) {
		pw := kubeletPassword(t, env, saKubeletRequest(t, image, podTok, map[string]string{ann: role}), "*.dkr.ecr.*.amazonaws.com", podTok)
		g, ok := cloud.Lookup(pw)
		assert.True(t, ok, "password issued to %q (known %v), want the pod's role", g.Principal, ok)
		assert.Equal(t, "arn:aws:sts::123456789012:assumed-role/builder-puller/regcred", g.Principal, "password issued to %q (known %v), want the pod's role", g.Principal, ok)
		n := cloud.SignedWith(node.AccessKeyID)
		assert.Equal(t, 0, n, "the node's access key signed %d requests made for a pod", n)
	})
	t.Run("node mode is unchanged", func(t *testing.T) {
		res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: kubeletRequestV1(image)}, "kubelet")
		assert.Equal(t, 0, res.Exit, "want the built-in entry to answer as the node\n%s", res.Stderr)
		assert.NotZero(t, cloud.SignedWith(node.AccessKeyID), "the node key was not used: want the built-in entry to answer as the node")
	})
}

func kubeletRequestV1(image string) string {
	return `{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"` + image + `"}`
}

// Finding 3: what a request says about the pod is read strictly, and an
// expired token is called expired.
func TestKubeletTenantStrictServiceAccountRequests(t *testing.T) {
	tv := newTenantVault(t)
	const ann = "regcred.example.com/role"
	cfg := writeConfig(t, `defaults: false
registries:
  - match: reg.io/team-a
    vault:
      address: `+yamlQuote(tv.v.URL)+`
      path: kv/team-a
      auth: {method: kubernetes, roleAnnotation: "`+ann+`"}
`)
	env := []string{"REGCRED_CONFIG=" + cfg}
	teamB := tv.token(t, "team-b", "team-b", time.Now().Add(time.Hour))
	v1 := `{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"reg.io/team-a/app"`
	tests := []struct {
		name, stdin string
		want        []string
		notWant     []string
		wantLogins  int
	}{
		{name: "duplicate annotation keys",
			stdin: v1 + `,"serviceAccountToken":"` + teamB + `","serviceAccountAnnotations":{"` + ann + `":"role-b","` + ann + `":"role-a"}}`,
			want:  []string{`serviceAccountAnnotations: field "` + ann + `" appears twice`}},
		{name: "annotations without a token",
			stdin: v1 + `,"serviceAccountAnnotations":{"` + ann + `":"role-a"}}`,
			want:  []string{"serviceAccountAnnotations without serviceAccountToken"}},
		{name: "empty token",
			stdin: v1 + `,"serviceAccountToken":"","serviceAccountAnnotations":{"` + ann + `":"role-a"}}`,
			want:  []string{"serviceAccountToken is empty"}},
		{name: "expired token",
			stdin:   saKubeletRequest(t, "reg.io/team-a/app", tv.token(t, "team-a", "team-a", time.Now().Add(-2*time.Hour)), map[string]string{ann: "role-a"}),
			want:    []string{"the token expired at"},
			notWant: []string{"enabled"}, wantLogins: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tv.logins()
			res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: tt.stdin}, "kubelet")
			assert.Equal(t, 1, res.Exit, "exit %d, stdout %q; want exit 1 and no answer", res.Exit, res.Stdout)
			assert.NotContains(t, res.Stdout, "SECRET", "exit %d, stdout %q; want exit 1 and no answer", res.Exit, res.Stdout)
			for _, want := range tt.want {
				assert.Contains(t, res.Stderr, want, "stderr lacks %q", want)
			}
			for _, nw := range tt.notWant {
				assert.NotContains(t, res.Stderr, nw, "stderr holds %q", nw)
			}
			assert.NotContains(t, res.Stderr, teamB, "the token reached stderr")
			n := tv.logins() - before
			assert.Equal(t, tt.wantLogins, n, "%d Vault logins, want %d", n, tt.wantLogins)
		})
	}
}

// The CredentialProviderConfig in docs/kubelet.md, pasted as is, has no
// service-account provider sharing images with the node's provider, and
// the workload provider's regcred config turns the built-in entries off.
func TestKubeletDocsExampleGivesNoPodTheNodesToken(t *testing.T) {
	doc, err := os.ReadFile("../../docs/kubelet.md")
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	var providerCfg, workloadCfg string
	for _, b := range blocks {
		switch {
		case strings.Contains(b[1], "kind: CredentialProviderConfig") && strings.Contains(b[1], "tokenAttributes"):
			providerCfg = b[1]
		case strings.Contains(b[1], "# /etc/regcred/workload.yaml"):
			workloadCfg = b[1]
		}
	}
	require.NotEqual(t, "", providerCfg, "docs/kubelet.md lacks the CredentialProviderConfig example or the workload config (# /etc/regcred/workload.yaml)")
	require.NotEqual(t, "", workloadCfg, "docs/kubelet.md lacks the CredentialProviderConfig example or the workload config (# /etc/regcred/workload.yaml)")
	assert.True(t, regexp.MustCompile(`(?m)^defaults: false`).MatchString(workloadCfg), "the workload provider's config does not say defaults: false:\n%s", workloadCfg)
	path := filepath.Join(t.TempDir(), "credential-provider.yaml")
	require.NoError(t, os.WriteFile(path, []byte(providerCfg), 0o600))
	res := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + writeConfig(t, "defaults: false\n")}}, "check", "--kubelet-config", path)
	assert.Contains(t, res.Stdout, "no service-account provider shares images with a node-identity provider", "check --kubelet-config on the docs example:\n%s\n%s", res.Stdout, res.Stderr)
	assert.NotContains(t, res.Stdout, "WARNING", "check --kubelet-config on the docs example:\n%s\n%s", res.Stdout, res.Stderr)
	// The workload config loads as written.
	wres := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + writeConfig(t, workloadCfg)}}, "check", "--output", "json")
	assert.NotContains(t, wres.Stdout, `"valid": false`, "the docs' workload config does not load")
}
