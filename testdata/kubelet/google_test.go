package kubelet

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers/gcr/gcrtest"
)

// gsaAnnotation is GKE's annotation naming a pod's Google service account.
const gsaAnnotation = "iam.gke.io/gcp-service-account"

// googleImage is on the one host the Google provider matches.
const googleImage = "us-docker.pkg.dev/proj/app/web"

// googleWorld is a cluster federated with the fake Google: its issuer
// signs the pods' tokens the kubelet asks for, the fake STS verifies them
// against the issuer's JWKS, the fake IAM Credentials impersonates.
type googleWorld struct {
	t       testing.TB
	srv     *gcrtest.Server
	cluster *gcrtest.Cluster
	// accounts maps a Kubernetes service account (in ns1) to the Google
	// service account its annotation names.
	accounts map[string]string
}

func newGoogleWorld(t *testing.T) *googleWorld {
	g := &googleWorld{t: t, srv: gcrtest.NewServer(t)}
	g.cluster = g.srv.NewCluster(t, "cluster")
	g.accounts = map[string]string{
		"gpuller": "puller@proj.iam.gserviceaccount.com",
		"gthief":  "puller@proj.iam.gserviceaccount.com", // names an account it was not granted
	}
	g.srv.AllowImpersonation(g.cluster.Principal("ns1", "gpuller"), g.accounts["gpuller"])
	return g
}

// entries are the regcred config's Google entry.
func (g *googleWorld) entries() string {
	return fmt.Sprintf(`  - match: us-docker.pkg.dev
    gcr:
      workloadIdentityProvider: %q
      serviceAccountAnnotation: %s
      stsEndpoint: %q
      iamCredentialsEndpoint: %q
`, g.cluster.Provider, gsaAnnotation, g.srv.URL, g.srv.IAMCredentialsURL())
}

// provider is the kubelet's provider entry: tokens for the pool
// provider's allowed audience, the annotation passed along.
func (g *googleWorld) provider() providerConfig {
	return providerConfig{name: "regcred-google", apiVersion: "credentialprovider.kubelet.k8s.io/v1", matchImages: []string{"us-docker.pkg.dev"}, extra: `    tokenAttributes:
      serviceAccountTokenAudience: "` + g.cluster.TokenAudience + `"
      requireServiceAccount: true
      optionalServiceAccountAnnotationKeys: [` + gsaAnnotation + `]
      cacheType: ServiceAccount
`}
}

// issuedTo is the principal the fake issued a "oauth2accesstoken:<token>"
// credential to.
func (g *googleWorld) issuedTo(t *testing.T, creds []string) string {
	t.Helper()
	require.Len(t, creds, 1, "credentials %q", creds)
	user, tok, _ := cutColon(creds[0])
	assert.Equal(t, "oauth2accesstoken", user)
	iss, ok := g.srv.Lookup(tok)
	require.True(t, ok, "the password is not a token the fake issued")
	return iss.Principal
}

func cutColon(s string) (string, string, bool) {
	for i := range s {
		if s[i] == ':' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func testGoogleServiceAccountMode(t *testing.T, w *kubeletWorld) {
	g := w.google
	assert.Equal(t, g.accounts["gpuller"], g.issuedTo(t, lookup(googleImage, "pod-g1", "gpuller")), "a pod whose annotation names a granted account")
	assert.Equal(t, g.cluster.Principal("ns1", "gfed"), g.issuedTo(t, lookup(googleImage, "pod-g2", "gfed")), "a pod without the annotation: its federated identity")

	// A pod naming an account it may not impersonate gets nothing, and
	// the kubelet logs regcred's reason, never a token.
	w.logs.take()
	expect(t, googleImage+" as pod-g3/gthief", lookup(googleImage, "pod-g3", "gthief"))
	logs := w.logs.take()
	assert.Contains(t, logs, "may not impersonate "+g.accounts["gthief"], "kubelet log lacks the refusal")
	for _, tok := range append(w.tokens, g.srv.IssuedTokens()...) {
		assert.NotContains(t, logs, tok, "a token reached the kubelet's log")
	}
	// Without a service account the kubelet does not run the provider.
	expect(t, googleImage+" without a pod", lookup(googleImage))
}
