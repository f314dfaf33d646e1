package credhelper

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/oidctest"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/gcr/gcrtest"
)

// TestKeylessGoogleKubeletTwoTenants: in kubelet service-account mode a
// gcr entry with `idToken: {from: auto}` trades each pod's own token. The
// builder pod's federated identity may impersonate the service account and
// gets its token; the tester pod's may not, and gets nothing: neither the
// builder's cached token nor anything of the node's.
func TestKeylessGoogleKubeletTwoTenants(t *testing.T) {
	iss := oidctest.New(t)
	google := gcrtest.NewServer(t)
	pool := google.TrustIssuer(iss.URL, "k8s-pool", "") // every service account of the cluster
	builder, tester := "system:serviceaccount:ci:builder", "system:serviceaccount:ci:tester"
	const gsa = "puller@acme.iam.gserviceaccount.com"
	google.AllowImpersonation(pool.PrincipalOf(builder), gsa)
	cfg := fmt.Sprintf("defaults: false\ncache: {store: file, dir: %q}\nregistries:\n"+
		"  - match: europe-west1-docker.pkg.dev/acme\n"+
		"    gcr: {workloadIdentityProvider: %q, impersonateServiceAccount: %s, stsEndpoint: %q, iamCredentialsEndpoint: %q, idToken: {from: auto}}\n",
		t.TempDir(), pool.Provider, gsa, google.URL, google.IAMCredentialsURL())
	pull := func(sub string) (string, int, string) {
		ta := newTestApp(t, cfg, nil)
		req := `{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderRequest",` +
			`"image":"europe-west1-docker.pkg.dev/acme/app","serviceAccountToken":"` + iss.Token(sub, pool.TokenAudience, time.Hour) + `"}`
		out, code := ta.runString(t, req, "kubelet")
		testkit.AssertNoSecret(t, "kubelet log", ta.stderr.String(), append(iss.Issued(), google.IssuedTokens()...)...)
		return out, code, ta.stderr.String()
	}
	out, code, logs := pull(builder)
	require.Zero(t, code, "the builder's pull: %s %s", out, logs)
	var resp struct {
		Auth map[string]struct{ Username, Password string } `json:"auth"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &resp), "the builder's answer: %s", out)
	require.Len(t, resp.Auth, 1, "the builder's answer: %s", out)
	for _, a := range resp.Auth {
		issued, ok := google.Lookup(a.Password)
		require.True(t, ok, "the builder was answered a token Google did not issue")
		assert.Equal(t, gsa, issued.Principal, "the builder's token is not the service account's")
	}

	out, code, logs = pull(tester)
	assert.NotZero(t, code, "the tester's pull was answered: %s", out)
	for _, a := range resp.Auth {
		assert.NotContains(t, out, a.Password, "the tester was answered the builder's token")
	}
	assert.Contains(t, out+logs, "iam.serviceAccountTokenCreator", "the tester's refusal does not say what is missing: %s %s", out, logs)
}
