package kubelet

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	authenticationv1 "k8s.io/api/authentication/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/kubernetes/pkg/credentialprovider/plugin"
)

const (
	saAudience      = "regcred-test-audience"
	roleAnnotation  = "regcred.example.com/role"
	tokenForBuilder = "fake-sa-token.ns1.builder"
)

// regcredConfig is the helper's config; %[1]s is the secrets directory.
const regcredConfig = `defaults: false
cache: {store: none}
registries:
  - match: reg.test/team
    static: {username: team, passwordFile: %[1]s/team}
  - match: reg.test
    static: {username: host, passwordFile: %[1]s/host}
  - match: reg.test:5000
    static: {username: port, passwordFile: %[1]s/port}
  - match: "*.glob.test"
    static: {username: glob, passwordFile: %[1]s/glob}
  - match: exact.glob.test
    static: {username: exact, passwordFile: %[1]s/exact}
  - match: docker.io/myorg
    static: {username: hub-org, passwordFile: %[1]s/hub}
  - match: index.docker.io
    static: {username: hub, passwordFile: %[1]s/hub}
  - match: flaky.test
    static: {username: primary, passwordFile: %[1]s/flaky-primary}
  - match: flaky.test
    static: {username: fallback, passwordFile: %[1]s/flaky-fallback}
  - match: down.test
    static: {username: down, passwordFile: %[1]s/missing}
  - match: reg.sa.test
    answersAnyPod: true
    static: {username: sa-user, passwordFile: %[1]s/sa}
  - match: down.sa.test
    answersAnyPod: true
    static: {username: down, passwordFile: %[1]s/missing}
  - match: 123456789012.dkr.ecr.us-east-1.amazonaws.com
    ecr: {roleArnAnnotation: ` + roleAnnotation + `, endpoint: "http://127.0.0.1:1"}
  - match: 123456789012.dkr.ecr.us-east-1.amazonaws.com
    static: {username: node, passwordFile: %[1]s/host}
  - match: myreg.azurecr.io
    acr: {clientIdAnnotation: ` + roleAnnotation + `, tenantId: contoso.onmicrosoft.com, authorityHost: "https://127.0.0.1:1/"}
  - match: myreg.azurecr.io
    static: {username: node, passwordFile: %[1]s/host}
  - match: reg.beta.test
    static: {username: beta, passwordFile: %[1]s/beta}
  - match: reg.alpha.test
    static: {username: alpha, passwordFile: %[1]s/alpha}
`

// kubeletWorld is one registered set of providers, as a kubelet would
// have after reading its --image-credential-provider-config.
type kubeletWorld struct {
	secrets    secrets
	configPath string
	logs       *klogBuffer
	tokens     []string // tokens handed out, to check none is logged
	google     *googleWorld
}

func (w *kubeletWorld) serviceAccount(namespace, name string) (*v1.ServiceAccount, error) {
	role := map[string]string{"builder": "builder-role", "deployer": "deployer-role"}
	sa := &v1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name, UID: types.UID("uid-" + name)}}
	if r, ok := role[name]; ok {
		sa.Annotations = map[string]string{roleAnnotation: r, "unrelated.example.com/x": "not passed"}
	}
	if gsa, ok := w.google.accounts[name]; ok {
		sa.Annotations = map[string]string{gsaAnnotation: gsa}
	}
	return sa, nil
}

func (w *kubeletWorld) token(namespace, name string, tr *authenticationv1.TokenRequest) (*authenticationv1.TokenRequest, error) {
	if slices.Equal(tr.Spec.Audiences, []string{w.google.cluster.TokenAudience}) {
		tok := w.google.cluster.Token(w.google.t, namespace, name)
		w.tokens = append(w.tokens, tok)
		return &authenticationv1.TokenRequest{Status: authenticationv1.TokenRequestStatus{Token: tok}}, nil
	}
	if !slices.Equal(tr.Spec.Audiences, []string{saAudience}) || tr.Spec.BoundObjectRef == nil || tr.Spec.BoundObjectRef.Kind != "Pod" {
		return nil, fmt.Errorf("unexpected token request %+v", tr.Spec)
	}
	tok := "fake-sa-token." + namespace + "." + name
	w.tokens = append(w.tokens, tok)
	return &authenticationv1.TokenRequest{Status: authenticationv1.TokenRequestStatus{Token: tok}}, nil
}

// lookup asks the kubelet's keyring for image as a pod without a service
// account (or with serviceAccount, in namespace ns1) and returns
// "user:password" for each credential, in the order the kubelet tries them.
func lookup(image string, pod ...string) []string {
	ns, name, uid, sa := "", "", "", ""
	if len(pod) == 2 {
		ns, name, uid, sa = "ns1", pod[0], "uid-"+pod[0], pod[1]
	}
	creds, _ := plugin.NewExternalCredentialProviderDockerKeyring(ns, name, uid, sa).Lookup(image)
	out := []string{}
	for _, c := range creds {
		out = append(out, c.Username+":"+c.Password)
	}
	return out
}

func expect(t *testing.T, image string, got []string, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	assert.True(t, slices.Equal(got, want), "Lookup(%s) = %q, want %q", image, got, want)
}

// The kubelet's provider registry is process-wide and refuses a name
// twice, so one registration serves every subtest; they run in order and
// some build on the cache state the earlier ones left.
func TestKubeletPluginRunsRegcred(t *testing.T) {
	dir := t.TempDir()
	binDir := filepath.Join(dir, "bin")
	w := &kubeletWorld{secrets: secrets{t: t, dir: filepath.Join(dir, "secrets")}, configPath: filepath.Join(dir, "regcred.yaml"), google: newGoogleWorld(t)}
	for _, d := range []string{binDir, w.secrets.dir} {
		require.NoError(t, os.Mkdir(d, 0o700))
	}
	bin := buildRegcred(t, binDir)
	for _, name := range []string{"regcred-sa", "regcred-beta", "regcred-alpha", "regcred-google"} {
		alias(t, bin, name)
	}
	for _, name := range []string{"team", "host", "port", "glob", "exact", "hub", "flaky-fallback", "sa", "beta", "alpha"} {
		w.secrets.set(name, name+"-1")
	}
	testkit.WriteFile(t, w.configPath, fmt.Sprintf(regcredConfig, w.secrets.dir)+w.google.entries())
	providerCfg := filepath.Join(dir, "credential-provider.yaml")
	testkit.WriteFile(t, providerCfg, credentialProviderConfig(w.configPath,
		providerConfig{name: binaryName, apiVersion: "credentialprovider.kubelet.k8s.io/v1", matchImages: []string{
			"reg.test", "reg.test:5000", "reg.test:443", "*.glob.test", "*.*.glob.test", "docker.io", "late.test", "flaky.test", "down.test",
		}},
		providerConfig{name: "regcred-sa", apiVersion: "credentialprovider.kubelet.k8s.io/v1", matchImages: []string{"*.sa.test", "123456789012.dkr.ecr.us-east-1.amazonaws.com", "*.azurecr.io"}, extra: `    tokenAttributes:
      serviceAccountTokenAudience: ` + saAudience + `
      requireServiceAccount: true
      requiredServiceAccountAnnotationKeys: [` + roleAnnotation + `]
      cacheType: ServiceAccount
`},
		providerConfig{name: "regcred-beta", apiVersion: "credentialprovider.kubelet.k8s.io/v1beta1", matchImages: []string{"*.beta.test"}},
		providerConfig{name: "regcred-alpha", apiVersion: "credentialprovider.kubelet.k8s.io/v1alpha1", matchImages: []string{"*.alpha.test"}},
		w.google.provider(),
	))
	w.logs = captureKlog(t)
	register(t, providerCfg, binDir, w)

	t.Run("path-scoped entry first, then host-level", func(t *testing.T) {
		expect(t, "reg.test/team/app", lookup("reg.test/team/app"), "team:team-1", "host:host-1")
	})
	t.Run("path matched at slash boundaries, cache keyed by image", func(t *testing.T) {
		// The kubelet matches "reg.test/team" as a raw prefix of
		// "reg.test/teamster": it must not be in this answer, nor may the
		// cached answer for reg.test/team/app be reused here.
		expect(t, "reg.test/teamster/app", lookup("reg.test/teamster/app"), "host:host-1")
	})
	t.Run("ports", func(t *testing.T) {
		expect(t, "reg.test:5000/app", lookup("reg.test:5000/app"), "port:port-1")
		expect(t, "reg.test:443/team/app", lookup("reg.test:443/team/app"), "team:team-1", "host:host-1")
	})
	t.Run("globs", func(t *testing.T) {
		expect(t, "a.glob.test/app", lookup("a.glob.test/app"), "glob:glob-1")
		expect(t, "exact.glob.test/app", lookup("exact.glob.test/app"), "exact:exact-1", "glob:glob-1")
		expect(t, "a.b.glob.test/app", lookup("a.b.glob.test/app"))
	})
	t.Run("docker hub", func(t *testing.T) {
		expect(t, "docker.io/myorg/app", lookup("docker.io/myorg/app"), "hub-org:hub-1", "hub:hub-1")
		expect(t, "docker.io/library/nginx", lookup("docker.io/library/nginx"), "hub:hub-1")
	})
	t.Run("long-lived answer cached per registry for defaultCacheDuration", func(t *testing.T) {
		w.secrets.set("glob", "glob-2")
		expect(t, "a.glob.test/other", lookup("a.glob.test/other"), "glob:glob-1") // cached for a.glob.test
		expect(t, "b.glob.test/app", lookup("b.glob.test/app"), "glob:glob-2")     // another registry: asked again
	})
	t.Run("answer cached per image where the host has path entries", func(t *testing.T) {
		w.secrets.set("host", "host-2")
		expect(t, "reg.test/team/app", lookup("reg.test/team/app"), "team:team-1", "host:host-1")
		expect(t, "reg.test/new/app", lookup("reg.test/new/app"), "host:host-2")
	})
	t.Run("empty answer not cached", func(t *testing.T) {
		expect(t, "late.test/app", lookup("late.test/app"))
		f, err := os.OpenFile(w.configPath, os.O_APPEND|os.O_WRONLY, 0)
		require.NoError(t, err)
		fmt.Fprintf(f, "  - match: late.test\n    static: {username: late, passwordFile: %s/late}\n", w.secrets.dir)
		require.NoError(t, f.Close())
		w.secrets.set("late", "late-1")
		expect(t, "late.test/app", lookup("late.test/app"), "late:late-1")
	})
	t.Run("failing entry skipped, answer still cached briefly", func(t *testing.T) {
		w.logs.take()
		expect(t, "flaky.test/app", lookup("flaky.test/app"), "fallback:flaky-fallback-1")
		logs := w.logs.take()
		assert.Equal(t, "", logs, "the kubelet logged an error for a partial answer:\n%s", logs)
		w.secrets.set("flaky-primary", "flaky-primary-1")
		expect(t, "flaky.test/app", lookup("flaky.test/app"), "fallback:flaky-fallback-1")
	})
	t.Run("every entry failing: the kubelet logs regcred's reasons", func(t *testing.T) {
		w.logs.take()
		expect(t, "down.test/app", lookup("down.test/app"))
		logs := w.logs.take()
		for _, want := range []string{"no credential for down.test/app", "1 matching entry failed", filepath.Join(w.secrets.dir, "missing")} {
			assert.Contains(t, logs, want, "kubelet log lacks %q", want)
		}
	})
	t.Run("v1beta1 and v1alpha1", func(t *testing.T) {
		expect(t, "reg.beta.test/app", lookup("reg.beta.test/app"), "beta:beta-1")
		expect(t, "reg.alpha.test/app", lookup("reg.alpha.test/app"), "alpha:alpha-1")
	})
	t.Run("service-account mode", func(t *testing.T) { testServiceAccountMode(t, w) })
	t.Run("Google service-account mode", func(t *testing.T) { testGoogleServiceAccountMode(t, w) })
}

// register registers the providers as the kubelet does at start. The
// kubelet's registry lives as long as the process and panics on a name
// registered twice, so a second run in one process (go test -count=2)
// is skipped rather than run against the first run's providers.
func register(t *testing.T, providerCfg, binDir string, w *kubeletWorld) {
	t.Helper()
	again := false
	func() {
		defer func() {
			if r := recover(); r != nil {
				if !strings.Contains(fmt.Sprint(r), "registered twice") {
					panic(r)
				}
				again = true
			}
		}()
		require.NoError(t, plugin.RegisterCredentialProviderPlugins(providerCfg, binDir, w.token, w.serviceAccount))
	}()
	if again {
		t.Skip("the kubelet's providers are registered once per process; this test runs once per go test process")
	}
}

func testServiceAccountMode(t *testing.T, w *kubeletWorld) {
	const image = "reg.sa.test/app"
	expect(t, image+" as pod-a/builder", lookup(image, "pod-a", "builder"), "sa-user:sa-1")
	w.secrets.set("sa", "sa-2")
	// cacheType ServiceAccount: another pod of the same service account
	// reuses the answer; another service account never does.
	expect(t, image+" as pod-b/builder", lookup(image, "pod-b", "builder"), "sa-user:sa-1")
	expect(t, image+" as pod-c/deployer", lookup(image, "pod-c", "deployer"), "sa-user:sa-2")
	// Without the required annotation, or without a service account, the
	// kubelet does not run the plugin.
	expect(t, image+" as pod-d/plain", lookup(image, "pod-d", "plain"))
	expect(t, image+" without a pod", lookup(image))

	// A failing request shows, in the kubelet's log of regcred's stderr,
	// that the token and the configured annotation arrived, and that the
	// token itself was never printed.
	w.logs.take()
	expect(t, "down.sa.test/app as pod-e/builder", lookup("down.sa.test/app", "pod-e", "builder"))
	logs := w.logs.take()
	for _, want := range []string{"serviceAccountToken=true", "serviceAccountAnnotations=[" + roleAnnotation + "]", "no credential for down.sa.test/app"} {
		assert.Contains(t, logs, want, "kubelet log lacks %q", want)
	}
	require.True(t, slices.Contains(w.tokens, tokenForBuilder), "the kubelet asked for no token for builder (tokens %q)", w.tokens)
	for _, tok := range w.tokens {
		assert.NotContains(t, logs, tok, "a service-account token reached the log")
	}
	assert.NotContains(t, logs, "unrelated.example.com", "an annotation outside tokenAttributes reached the plugin")

	// An entry that logs in as the pod fails (builder's annotation is no
	// role ARN): the static entry with its pattern answers as the node and
	// did not opt in, so the pod gets nothing, and the kubelet logs why.
	const ecrImage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app"
	w.logs.take()
	expect(t, ecrImage+" as pod-f/builder", lookup(ecrImage, "pod-f", "builder"))
	logs = w.logs.take()
	for _, want := range []string{"is not an IAM role ARN", "not asked for a pod's service-account request", "(static, "} {
		assert.Contains(t, logs, want, "kubelet log lacks %q", want)
	}

	// The same for ACR: the pod's annotation names no client ID (a GUID),
	// so the pod's token is federated nowhere, and the node's static entry
	// for the registry is withheld.
	const acrImage = "myreg.azurecr.io/app"
	w.logs.take()
	expect(t, acrImage+" as pod-g/builder", lookup(acrImage, "pod-g", "builder"))
	logs = w.logs.take()
	for _, want := range []string{"acr: myreg.azurecr.io", "is not a client ID (a GUID)", "not asked for a pod's service-account request"} {
		assert.Contains(t, logs, want, "kubelet log lacks %q", want)
	}
	for _, tok := range w.tokens {
		assert.NotContains(t, logs, tok, "a service-account token reached the log")
	}
}
