package gcr

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/gcr/gcrtest"
)

const (
	gsaAnnotation = "iam.gke.io/gcp-service-account"
	wipAnnotation = "example.com/workload-identity-provider"
	podTarget     = "puller@proj.iam.gserviceaccount.com"
)

// podWorld is a cluster federated with the fake Google, and a node whose
// own identity (a key in GOOGLE_APPLICATION_CREDENTIALS, a metadata
// server) must never answer for a pod.
type podWorld struct {
	srv     *gcrtest.Server
	cluster *gcrtest.Cluster
	md      *gcrtest.Metadata
	h       *harness
}

func newPodWorld(t *testing.T) *podWorld {
	t.Helper()
	w := &podWorld{srv: gcrtest.NewServer(t), h: newHarness(t)}
	w.cluster = w.srv.NewCluster(t, "cluster")
	w.md = w.srv.NewMetadata(t, "node@proj.iam.gserviceaccount.com")
	w.h.env["GCE_METADATA_HOST"] = w.md.Host
	w.h.env["GOOGLE_APPLICATION_CREDENTIALS"] = w.srv.NewServiceAccount(t, "node-key@proj.iam.gserviceaccount.com").WriteKeyFile(t, t.TempDir())
	return w
}

func (w *podWorld) get(t *testing.T, cfg Config, sa *providers.ServiceAccount) (providers.Credential, error) {
	t.Helper()
	cfg.STSEndpoint, cfg.IAMCredentialsEndpoint = w.srv.URL, w.srv.IAMCredentialsURL()
	return w.h.provider(t, cfg).Credential(context.Background(), providers.Request{Registry: "us-docker.pkg.dev", Repository: "proj/app", Pattern: "*-docker.pkg.dev", ServiceAccount: sa})
}

// TestPodIdentity: the pod's token, exchanged at STS and impersonated as
// the entry or the pod's annotation says; the node's identity never.
func TestPodIdentity(t *testing.T) {
	w := newPodWorld(t)
	other := w.srv.NewCluster(t, "second")
	w.srv.AllowImpersonation(w.cluster.Principal("ns", "app"), podTarget)
	w.srv.AllowImpersonation(w.cluster.Principal("ns", "app"), "fixed@proj.iam.gserviceaccount.com")
	ro := "https://www.googleapis.com/auth/devstorage.read_only"
	tests := []struct {
		name      string
		cfg       Config
		token     string
		ann       map[string]string
		principal string
		via       string
		scopes    []string
	}{
		{name: "federated token itself", cfg: Config{WorkloadIdentityProvider: w.cluster.Provider, Scopes: []string{ro}},
			token: w.cluster.Token(t, "ns", "app"), principal: w.cluster.Principal("ns", "app"), via: "sts", scopes: []string{ro}},
		{name: "service account from the annotation", cfg: Config{WorkloadIdentityProvider: w.cluster.Provider, ServiceAccountAnnotation: gsaAnnotation, Scopes: []string{ro}},
			token: w.cluster.Token(t, "ns", "app"), ann: map[string]string{gsaAnnotation: podTarget}, principal: podTarget, via: "iam", scopes: []string{ro}},
		{name: "service account from the entry", cfg: Config{WorkloadIdentityProvider: w.cluster.Provider, ImpersonateServiceAccount: "fixed@proj.iam.gserviceaccount.com"},
			token: w.cluster.Token(t, "ns", "app"), principal: "fixed@proj.iam.gserviceaccount.com", via: "iam", scopes: []string{DefaultScope}},
		{name: "the annotation wins over the entry", cfg: Config{WorkloadIdentityProvider: w.cluster.Provider, ImpersonateServiceAccount: "fixed@proj.iam.gserviceaccount.com", ServiceAccountAnnotation: gsaAnnotation},
			token: w.cluster.Token(t, "ns", "app"), ann: map[string]string{gsaAnnotation: podTarget}, principal: podTarget, via: "iam", scopes: []string{DefaultScope}},
		{name: "provider from the annotation", cfg: Config{WorkloadIdentityProvider: w.cluster.Provider, WorkloadIdentityProviderAnnotation: wipAnnotation},
			token: other.Token(t, "team", "ci"), ann: map[string]string{wipAnnotation: other.Provider}, principal: other.Principal("team", "ci"), via: "sts", scopes: []string{DefaultScope}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cred, err := w.get(t, tt.cfg, &providers.ServiceAccount{Token: providers.Secret(tt.token + "\n"), Annotations: tt.ann})
			require.NoError(t, err, "Credential")
			assert.Equal(t, Username, cred.Username)
			iss, ok := w.srv.Lookup(cred.Secret.Reveal())
			require.True(t, ok, "the secret answered is not a token the fake issued")
			assert.Equal(t, tt.principal, iss.Principal, "token issued to")
			assert.Equal(t, tt.via, iss.Via, "token issued via")
			assert.Equal(t, tt.scopes, iss.Scopes, "scopes")
			assert.True(t, cred.ExpiresAt.Equal(iss.Expiry) || cred.ExpiresAt.Sub(iss.Expiry).Abs() < 5e9, "ExpiresAt %v, token expiry %v", cred.ExpiresAt, iss.Expiry)
			testkit.AssertNoSecret(t, "debug log", w.h.logs.String(), tt.token, cred.Secret.Reveal())
		})
	}
	assert.Zero(t, w.md.TokenRequests(), "the node's metadata server was asked for a pod")
	assert.Zero(t, w.srv.Requests("token"), "the node's key was used for a pod")
}

// TestPodIdentityFailures: each failure is explained, classified, never
// answered with the node's identity, and free of the pod's token.
func TestPodIdentityFailures(t *testing.T) {
	w := newPodWorld(t)
	good := w.cluster.Token(t, "ns", "app")
	base := Config{WorkloadIdentityProvider: w.cluster.Provider, ServiceAccountAnnotation: gsaAnnotation}
	tests := []struct {
		name   string
		cfg    Config
		sa     *providers.ServiceAccount
		setup  func(t *testing.T)
		target error
		want   []string
	}{
		{name: "no service-account token", cfg: base, target: providers.ErrNoIdentity, want: []string{"carries none", "tokenAttributes"}},
		{name: "blank token", cfg: base, sa: &providers.ServiceAccount{Token: " \n"}, target: providers.ErrNoIdentity, want: []string{"carries none"}},
		{name: "no provider anywhere", cfg: Config{WorkloadIdentityProviderAnnotation: wipAnnotation}, sa: &providers.ServiceAccount{Token: providers.Secret(good)},
			target: providers.ErrNoIdentity, want: []string{"no annotation " + wipAnnotation}},
		{name: "provider annotation malformed", cfg: Config{WorkloadIdentityProviderAnnotation: wipAnnotation}, sa: &providers.ServiceAccount{Token: providers.Secret(good), Annotations: map[string]string{wipAnnotation: "projects/1/pool"}},
			target: providers.ErrInvalid, want: []string{wipAnnotation, "not a workload identity pool provider"}},
		{name: "service-account annotation malformed", cfg: base, sa: &providers.ServiceAccount{Token: providers.Secret(good), Annotations: map[string]string{gsaAnnotation: "puller/../x"}},
			target: providers.ErrInvalid, want: []string{gsaAnnotation, "not a Google service-account"}},
		{name: "forged token", cfg: base, sa: &providers.ServiceAccount{Token: providers.Secret(w.cluster.Forged(t, map[string]any{"iss": w.cluster.Issuer, "sub": "x", "aud": w.cluster.TokenAudience, "exp": 1 << 40}))},
			target: providers.ErrDenied, want: []string{"invalid_grant", "signature", "serviceAccountTokenAudience"}},
		{name: "token for another audience", cfg: base, sa: &providers.ServiceAccount{Token: providers.Secret(w.cluster.SignedToken(t, map[string]any{"iss": w.cluster.Issuer, "sub": "x", "aud": "https://kubernetes.default.svc", "exp": 1 << 40}))},
			target: providers.ErrDenied, want: []string{"audience", "allowed audiences"}},
		{name: "unknown provider", cfg: Config{WorkloadIdentityProvider: "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/none/providers/none"}, sa: &providers.ServiceAccount{Token: providers.Secret(good)},
			target: providers.ErrDenied, want: []string{"invalid_target", "check the project number"}},
		{name: "impersonation not granted", cfg: base, sa: &providers.ServiceAccount{Token: providers.Secret(good), Annotations: map[string]string{gsaAnnotation: podTarget}},
			target: providers.ErrDenied, want: []string{"may not impersonate " + podTarget}},
		{name: "STS outage", cfg: base, sa: &providers.ServiceAccount{Token: providers.Secret(good)}, setup: func(*testing.T) { w.srv.SetOutage(503) },
			target: providers.ErrUnavailable, want: []string{"not serving", "try again later"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup(t)
				defer w.srv.SetOutage(0)
			}
			_, err := w.get(t, tt.cfg, tt.sa)
			testkit.WantErr(t, err, tt.target, tt.want...)
			testkit.AssertNoSecret(t, "error and log", err.Error()+w.h.logs.String(), append(w.srv.IssuedTokens(), good)...)
		})
	}
	assert.Zero(t, w.md.TokenRequests(), "the node's metadata server was asked for a pod")
	assert.Zero(t, w.srv.Requests("token"), "the node's key was used for a pod")
}

// TestPodIdentityUnreachable: an STS that does not answer is ErrUnavailable.
func TestPodIdentityUnreachable(t *testing.T) {
	w := newPodWorld(t)
	p := w.h.provider(t, Config{WorkloadIdentityProvider: w.cluster.Provider, STSEndpoint: "http://" + gcrtest.ClosedAddr(t)})
	_, err := p.Credential(context.Background(), providers.Request{Registry: "gcr.io", ServiceAccount: &providers.ServiceAccount{Token: providers.Secret(w.cluster.Token(t, "ns", "app"))}})
	testkit.WantErr(t, err, providers.ErrUnavailable, "Security Token Service is unreachable")
}

func TestPodIdentitySettings(t *testing.T) {
	var _ providers.PodIdentity = Config{}
	tests := []struct {
		name string
		cfg  Config
		uses bool
		ann  []string
	}{
		{name: "ADC", cfg: Config{}, uses: false},
		{name: "gcloud", cfg: Config{Source: SourceGcloud}, uses: false},
		{name: "provider", cfg: Config{WorkloadIdentityProvider: wip}, uses: true},
		{name: "both annotations", cfg: Config{WorkloadIdentityProviderAnnotation: wipAnnotation, ServiceAccountAnnotation: gsaAnnotation}, uses: true, ann: []string{wipAnnotation, gsaAnnotation}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.uses, tt.cfg.UsesPodIdentity())
			assert.Equal(t, tt.ann, tt.cfg.PodAnnotations())
			if tt.uses {
				assert.Empty(t, tt.cfg.IdentityFiles(testkit.Env{"HOME": "/home/ci"}.Lookup), "a pod's identity is not in the node's files")
			}
		})
	}
}
