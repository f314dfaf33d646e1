package kubelet

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	authenticationv1 "k8s.io/api/authentication/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/kubernetes/pkg/credentialprovider/plugin"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/acr/acrtest"
)

const acrClientAnnotation = "azure.workload.identity/client-id"

// TestKubeletPluginACRServiceAccount: the kubelet's own plugin code asks
// a token for each pod's service account, for Entra's audience, and
// regcred exchanges it through workload identity federation (the fake
// Entra checks the issuer's signature, the audience and the federated
// subject) and at the fake ACR: each service account pulls as the client
// its annotation names.
func TestKubeletPluginACRServiceAccount(t *testing.T) {
	cloud := acrtest.New(t)
	reg := cloud.NewRegistry(t, acrtest.RegistryOptions{Plain: true})
	iss := cloud.Entra.NewIssuer(t)
	tenant := cloud.Entra.NewApp("").Tenant
	apps := map[string]*acrtest.App{}
	for _, sa := range []string{"az-builder", "az-deployer"} {
		app := cloud.Entra.NewApp(tenant)
		app.Federate(iss, "system:serviceaccount:ns1:"+sa)
		reg.GrantPull(app.ClientID)
		apps[sa] = app
	}
	var tokens []string
	tokenFor := func(namespace, name string, tr *authenticationv1.TokenRequest) (*authenticationv1.TokenRequest, error) {
		if len(tr.Spec.Audiences) != 1 || tr.Spec.Audiences[0] != acrtest.ExchangeAudience || tr.Spec.BoundObjectRef == nil {
			return nil, fmt.Errorf("unexpected token request %+v", tr.Spec)
		}
		tok := iss.Token(t, "system:serviceaccount:"+namespace+":"+name, acrtest.ExchangeAudience, time.Hour)
		tokens = append(tokens, tok)
		return &authenticationv1.TokenRequest{Status: authenticationv1.TokenRequestStatus{Token: tok}}, nil
	}
	serviceAccount := func(namespace, name string) (*v1.ServiceAccount, error) {
		sa := &v1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name, UID: types.UID("uid-" + name)}}
		if app, ok := apps[name]; ok {
			sa.Annotations = map[string]string{acrClientAnnotation: app.ClientID}
		}
		return sa, nil
	}

	dir := t.TempDir()
	binDir := filepath.Join(dir, "bin")
	require.NoError(t, os.Mkdir(binDir, 0o700))
	alias(t, buildRegcred(t, binDir), "regcred-azure")
	cfgPath := filepath.Join(dir, "regcred.yaml")
	testkit.WriteFile(t, cfgPath, fmt.Sprintf("defaults: false\ncache: {store: none}\nregistries:\n  - match: %q\n    acr: {tenantId: %s, clientIdAnnotation: %s}\n",
		reg.Host, tenant, acrClientAnnotation))
	providerCfg := filepath.Join(dir, "credential-provider.yaml")
	testkit.WriteFile(t, providerCfg, credentialProviderConfig(cfgPath, providerConfig{
		name: "regcred-azure", apiVersion: "credentialprovider.kubelet.k8s.io/v1", matchImages: []string{reg.Host},
		extra: `      - {name: SSL_CERT_FILE, value: "` + cloud.CAFile(t, dir) + `"}
      - {name: AZURE_AUTHORITY_HOST, value: "` + cloud.Entra.URL + `/"}
    tokenAttributes:
      serviceAccountTokenAudience: ` + acrtest.ExchangeAudience + `
      requireServiceAccount: true
      requiredServiceAccountAnnotationKeys: [` + acrClientAnnotation + `]
      cacheType: ServiceAccount
`}))
	registerOnce(t, func() error {
		return plugin.RegisterCredentialProviderPlugins(providerCfg, binDir, tokenFor, serviceAccount)
	})

	image := reg.Host + "/app"
	for _, sa := range []string{"az-builder", "az-deployer"} {
		got := lookup(image, "pod-"+sa, sa)
		require.Len(t, got, 1, "Lookup(%s) as %s = %q", image, sa, got)
		user, password, _ := strings.Cut(got[0], ":")
		assert.Equal(t, "00000000-0000-0000-0000-000000000000", user)
		ref, ok := reg.Lookup(password)
		require.True(t, ok, "%s: the password is not a refresh token the registry issued", sa)
		assert.Equal(t, apps[sa].ClientID, ref.ClientID, "%s pulled as another client", sa)
	}
	assert.Equal(t, 2, cloud.Entra.Requests("federated"), "one federated login per service account")
	// Without the annotation the kubelet does not run the plugin at all.
	expect(t, image+" as pod-x/plain", lookup(image, "pod-x", "plain"))
	require.Len(t, tokens, 2, "the kubelet asked a token for a service account without the annotation")
}

// registerOnce registers providers as the kubelet does at start, or skips
// the test in a second run in one process: the kubelet's registry refuses
// a name twice.
func registerOnce(t *testing.T, register func() error) {
	t.Helper()
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				if !strings.Contains(fmt.Sprint(r), "registered twice") {
					panic(r)
				}
				err = errRegisteredTwice
			}
		}()
		err = register()
	}()
	if errors.Is(err, errRegisteredTwice) {
		t.Skip("the kubelet's providers are registered once per process; this test runs once per go test process")
	}
	require.NoError(t, err)
}

var errRegisteredTwice = errors.New("registered twice")
