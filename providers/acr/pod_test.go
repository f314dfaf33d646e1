package acr

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/acr/acrtest"
)

const (
	clientAnn = "azure.workload.identity/client-id"
	tenantAnn = "azure.workload.identity/tenant-id"
	podSub    = "system:serviceaccount:shop:puller"
)

// podGet asks as the kubelet does in service-account mode.
func (h *harness) podGet(t *testing.T, cfg Config, sa *providers.ServiceAccount) (providers.Credential, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return h.provider(t, cfg).Credential(ctx, providers.Request{Registry: h.reg.Host, Pattern: "*.azurecr.io", ServiceAccount: sa})
}

// The pod's token is federated to the client its annotation names; the
// node's own identity (a service principal in the environment, a managed
// identity) plays no part.
func TestPodTokenIsFederatedToTheAnnotatedClient(t *testing.T) {
	h := newHarness(t)
	node, nodeSecret := h.secretApp()
	h.env["AZURE_TENANT_ID"], h.env["AZURE_CLIENT_ID"], h.env["AZURE_CLIENT_SECRET"] = node.Tenant, node.ClientID, nodeSecret
	h.reg.GrantPull(h.cloud.IMDS.AssignSystem())

	pod, iss := h.federatedApp(t, podSub)
	tok := iss.Token(t, podSub, acrtest.ExchangeAudience, time.Hour)
	sa := &providers.ServiceAccount{Token: providers.Secret(tok), Annotations: map[string]string{clientAnn: pod.ClientID, tenantAnn: pod.Tenant}}
	cfg := Config{ClientIDAnnotation: clientAnn, TenantIDAnnotation: tenantAnn}
	cred, err := h.podGet(t, cfg, sa)
	require.NoError(t, err)
	ref, ok := h.reg.Lookup(cred.Secret.Reveal())
	require.True(t, ok, "not a refresh token the registry issued")
	assert.Equal(t, pod.ClientID, ref.ClientID, "the credential is not the pod's")
	assert.Equal(t, 1, h.cloud.Entra.Requests("federated"))
	assert.Zero(t, h.cloud.Entra.Requests("client_secret"), "the node's service principal took part")
	assert.Zero(t, h.cloud.IMDS.TokenRequests(), "the node's managed identity took part")
	testkit.AssertNoSecret(t, "log", h.logs.String(), tok, cred.Secret.Reveal(), nodeSecret)

	t.Run("tenant from the entry", func(t *testing.T) {
		delete(h.env, "AZURE_TENANT_ID")
		sa := &providers.ServiceAccount{Token: sa.Token, Annotations: map[string]string{clientAnn: pod.ClientID}}
		_, err := h.podGet(t, Config{ClientIDAnnotation: clientAnn, TenantID: pod.Tenant}, sa)
		require.NoError(t, err)
	})
}

func TestPodIdentityFailures(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		sa   func(t *testing.T, h *harness, pod *acrtest.App, iss *acrtest.Issuer) *providers.ServiceAccount
		want error
		says []string
	}{
		{name: "no token in the request", cfg: Config{ClientIDAnnotation: clientAnn, TenantID: "contoso.com"}, want: providers.ErrNoIdentity, says: []string{"no service-account token", "tokenAttributes"},
			sa: func(*testing.T, *harness, *acrtest.App, *acrtest.Issuer) *providers.ServiceAccount { return nil }},
		{name: "no client annotation", cfg: Config{ClientIDAnnotation: clientAnn, TenantIDAnnotation: tenantAnn}, want: providers.ErrNoIdentity, says: []string{"no annotation", clientAnn},
			sa: func(t *testing.T, h *harness, pod *acrtest.App, iss *acrtest.Issuer) *providers.ServiceAccount {
				return &providers.ServiceAccount{Token: providers.Secret(iss.Token(t, podSub, acrtest.ExchangeAudience, time.Hour)), Annotations: map[string]string{tenantAnn: pod.Tenant}}
			}},
		{name: "client annotation not a GUID", cfg: Config{ClientIDAnnotation: clientAnn, TenantIDAnnotation: tenantAnn}, want: providers.ErrInvalid, says: []string{"not a client ID"},
			sa: func(t *testing.T, h *harness, pod *acrtest.App, iss *acrtest.Issuer) *providers.ServiceAccount {
				return &providers.ServiceAccount{Token: providers.Secret(iss.Token(t, podSub, acrtest.ExchangeAudience, time.Hour)), Annotations: map[string]string{clientAnn: "my app", tenantAnn: pod.Tenant}}
			}},
		{name: "no tenant anywhere", cfg: Config{ClientIDAnnotation: clientAnn, TenantIDAnnotation: tenantAnn}, want: providers.ErrNoIdentity, says: []string{"no tenant"},
			sa: func(t *testing.T, h *harness, pod *acrtest.App, iss *acrtest.Issuer) *providers.ServiceAccount {
				return &providers.ServiceAccount{Token: providers.Secret(iss.Token(t, podSub, acrtest.ExchangeAudience, time.Hour)), Annotations: map[string]string{clientAnn: pod.ClientID}}
			}},
		{name: "another pod's client", cfg: Config{ClientIDAnnotation: clientAnn, TenantIDAnnotation: tenantAnn}, want: providers.ErrDenied, says: []string{"AADSTS700213"},
			sa: func(t *testing.T, h *harness, pod *acrtest.App, iss *acrtest.Issuer) *providers.ServiceAccount {
				tok := iss.Token(t, "system:serviceaccount:other:intruder", acrtest.ExchangeAudience, time.Hour)
				return &providers.ServiceAccount{Token: providers.Secret(tok), Annotations: map[string]string{clientAnn: pod.ClientID, tenantAnn: pod.Tenant}}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			pod, iss := h.federatedApp(t, podSub)
			sa := tt.sa(t, h, pod, iss)
			_, err := h.podGet(t, tt.cfg, sa)
			testkit.WantErr(t, err, tt.want, tt.says...)
			if sa != nil {
				testkit.AssertNoSecret(t, "error", err.Error(), sa.Token.Reveal())
				testkit.AssertNoSecret(t, "log", h.logs.String(), sa.Token.Reveal())
			}
			assert.Zero(t, h.reg.Exchanges(), "the registry was asked")
		})
	}
}

// In service-account mode the node's identity variables and files are no
// part of the login, so they are no part of the key either: a kubelet
// whose HOME or service principal changes keeps the pods' cached tokens.
func TestPodModeKeysOnlyTheTenantAndAuthority(t *testing.T) {
	cfg := Config{ClientIDAnnotation: clientAnn}
	assert.ElementsMatch(t, []string{"AZURE_TENANT_ID", "AZURE_AUTHORITY_HOST"}, cfg.EnvKeys())
	assert.Empty(t, cfg.IdentityFiles(testkit.Env{"HOME": "/root", "AZURE_CLIENT_CERTIFICATE_PATH": "/x.pem"}.Lookup))
	assert.Contains(t, Config{}.EnvKeys(), "AZURE_CLIENT_SECRET", "outside pod mode the service principal selects the identity")
	assert.NotContains(t, Config{}.EnvKeys(), "HOME", "HOME moves the CLI's profile, whose content is keyed already")
}
