package acr

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/regcred/regcred/providers"
)

// podSource is kubelet service-account mode: the pod's token is the client
// assertion of a workload identity federation login, for the client ID
// (and tenant) its service account names. Nothing of the node's takes
// part, and the credential lives for this request only.
func (p *Provider) podSource(req providers.Request) (source, error) {
	key := p.cfg.ClientIDAnnotation
	sa := req.ServiceAccount
	if sa == nil || strings.TrimSpace(sa.Token.Reveal()) == "" {
		return source{}, fmt.Errorf("%w: acr: %s: clientIdAnnotation %q is set but the request carries no service-account token "+
			"(only the kubelet passes one, when its CredentialProviderConfig sets tokenAttributes)", providers.ErrNoIdentity, req.Registry, key)
	}
	client := sa.Annotations[key]
	if client == "" {
		return source{}, fmt.Errorf("%w: acr: %s: the pod's service account has no annotation %q (clientIdAnnotation) naming the client ID to pull as",
			providers.ErrNoIdentity, req.Registry, key)
	}
	if !IsClientID(client) {
		return source{}, fmt.Errorf("%w: acr: %s: service-account annotation %q is not a client ID (a GUID)", providers.ErrInvalid, req.Registry, key)
	}
	tenant, from := p.cfg.TenantID, "tenantId"
	if a := p.cfg.TenantIDAnnotation; a != "" && sa.Annotations[a] != "" {
		tenant, from = sa.Annotations[a], "annotation "+a
	}
	if tenant == "" {
		tenant, from = p.deps.Getenv("AZURE_TENANT_ID"), "AZURE_TENANT_ID"
	}
	if tenant == "" {
		return source{}, fmt.Errorf("%w: acr: %s: no tenant for the pod's client %s: set this entry's tenantId, or tenantIdAnnotation and that annotation on the service account",
			providers.ErrNoIdentity, req.Registry, client)
	}
	if !IsTenantID(tenant) {
		return source{}, fmt.Errorf("%w: acr: %s: the tenant from %s is not a tenant ID (a GUID) or a domain name", providers.ErrInvalid, req.Registry, from)
	}
	name := "the pod's service-account token, federated to client " + client + " in " + tenant + " (annotation " + key + ")"
	return p.assertionSource(req.Registry, ids{tenant: tenant, client: client}, providers.Secret(strings.TrimSpace(sa.Token.Reveal())), name, kindPod)
}

// assertionSource is a workload identity federation login: token, an OIDC
// token (the pod's, or the entry's identity token), is the client
// assertion of id.client in id.tenant.
func (p *Provider) assertionSource(registry string, id ids, token providers.Secret, name string, kind sourceKind) (source, error) {
	authority, err := p.authority(registry)
	if err != nil {
		return source{}, err
	}
	cred, err := azidentity.NewClientAssertionCredential(id.tenant, id.client, func(context.Context) (string, error) { return token.Reveal(), nil },
		&azidentity.ClientAssertionCredentialOptions{ClientOptions: p.clientOptions(authority), DisableInstanceDiscovery: true})
	if err != nil {
		return source{}, fmt.Errorf("%w: acr: workload identity federation: %s", providers.ErrInvalid, sdkText(err))
	}
	return source{name: name, kind: kind, cred: cred, tenant: id.tenant, secret: token}, nil
}

// boundedCred gives a credential that runs a program a time limit of its own.
type boundedCred struct {
	cred    azcore.TokenCredential
	timeout time.Duration
}

func (b boundedCred) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	return b.cred.GetToken(ctx, o)
}
