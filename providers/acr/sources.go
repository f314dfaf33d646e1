package acr

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/regcred/regcred/providers"
)

// source is one identity source, ready to ask for a token.
type source struct {
	name   string // for logs and errors: "client secret (AZURE_CLIENT_SECRET) of <client> in <tenant>"
	kind   sourceKind
	cred   azcore.TokenCredential
	tenant string // "" when only the token knows it
	// fix is what to change when Entra refuses the login ("" for the
	// hints hintFor gives).
	fix string
	// secret is what the login sends (a client secret, a client
	// assertion), withheld from any answer that quotes it.
	secret providers.Secret
}

type sourceKind int

const (
	kindSecret sourceKind = iota
	kindCertificate
	kindWorkload
	kindPod
	kindIDToken
	kindManaged       // a user-assigned managed identity, or App Service's
	kindSystemManaged // the VM's system-assigned identity, which it may lack
	kindCLI
)

// ids are the tenant and client the entry or the environment name.
type ids struct{ tenant, client string }

func (p *Provider) ids() ids {
	i := ids{tenant: p.cfg.TenantID, client: p.cfg.ClientID}
	if i.tenant == "" {
		i.tenant = p.deps.Getenv("AZURE_TENANT_ID")
	}
	if i.client == "" {
		i.client = p.deps.Getenv("AZURE_CLIENT_ID")
	}
	return i
}

// source picks the first identity source configured, in
// DefaultAzureCredential's order. A source that is configured but broken
// is an error, not a reason to try the next: the user meant that one.
func (p *Provider) source(ctx context.Context, req providers.Request) (source, error) {
	if p.cfg.IDToken != nil {
		return p.idTokenSource(ctx, req)
	}
	if p.cfg.UsesPodIdentity() {
		return p.podSource(req)
	}
	id := p.ids()
	authority, err := p.authority(req.Registry)
	if err != nil {
		return source{}, err
	}
	if s, ok, err := p.secretSource(id, authority); ok || err != nil {
		return s, err
	}
	if s, ok, err := p.certificateSource(id, authority); ok || err != nil {
		return s, err
	}
	if file := p.deps.Getenv("AZURE_FEDERATED_TOKEN_FILE"); file != "" {
		return p.workloadSource(id, authority, file)
	}
	return p.ambientSource(ctx, id)
}

// authority is the Entra endpoint: the entry's, AZURE_AUTHORITY_HOST
// (checked as the entry's is: it receives the client's secret), or the
// registry's cloud's.
func (p *Provider) authority(registry string) (string, error) {
	if a := p.cfg.AuthorityHost; a != "" {
		return a, nil
	}
	if a := p.deps.Getenv("AZURE_AUTHORITY_HOST"); a != "" {
		if err := checkAuthority(a); err != nil {
			return "", fmt.Errorf("%w: acr: AZURE_AUTHORITY_HOST %s", providers.ErrInvalid, err)
		}
		return a, nil
	}
	return authorityFor(registry), nil
}

// clientOptions sends the SDK's requests through the injected client, to
// the chosen authority, with one retry: the resolver's timeout bounds the
// whole call, and a second entry may be waiting.
func (p *Provider) clientOptions(authority string) azcore.ClientOptions {
	return azcore.ClientOptions{
		Transport: p.deps.HTTPClient,
		Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: authority},
		Retry:     policy.RetryOptions{MaxRetries: 1},
	}
}

// needIDs explains which of tenant and client a service-principal source lacks.
func needIDs(what string, id ids) error {
	var missing []string
	if id.tenant == "" {
		missing = append(missing, "the tenant (tenantId or AZURE_TENANT_ID)")
	}
	if id.client == "" {
		missing = append(missing, "the client ID (clientId or AZURE_CLIENT_ID)")
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("%w: acr: %s is set, but %s is not", providers.ErrNoIdentity, what, strings.Join(missing, " and "))
}

func (p *Provider) secretSource(id ids, authority string) (source, bool, error) {
	var secret, from string
	switch {
	case p.cfg.ClientSecretFile != "":
		from = "clientSecretFile"
		path, _ := providers.ExpandHome(p.cfg.ClientSecretFile, p.deps.LookupEnv)
		b, err := os.ReadFile(path)
		if err != nil {
			return source{}, true, providers.FileError("acr: clientSecretFile", path, err, providers.ErrNoIdentity, providers.ErrUnavailable)
		}
		secret = strings.TrimSpace(string(b))
		if secret == "" {
			return source{}, true, fmt.Errorf("%w: acr: clientSecretFile %s is empty", providers.ErrNoIdentity, providers.ShowPath(path))
		}
	case p.deps.Getenv("AZURE_CLIENT_SECRET") != "":
		from, secret = "AZURE_CLIENT_SECRET", p.deps.Getenv("AZURE_CLIENT_SECRET")
	default:
		return source{}, false, nil
	}
	if err := needIDs(from, id); err != nil {
		return source{}, true, err
	}
	cred, err := azidentity.NewClientSecretCredential(id.tenant, id.client, secret, &azidentity.ClientSecretCredentialOptions{
		ClientOptions: p.clientOptions(authority), DisableInstanceDiscovery: true,
	})
	if err != nil {
		return source{}, true, fmt.Errorf("%w: acr: %s: %s", providers.ErrInvalid, from, sdkText(err))
	}
	return source{name: "client secret (" + from + ") of " + id.client + " in " + id.tenant, kind: kindSecret, cred: cred, tenant: id.tenant, secret: providers.Secret(secret)}, true, nil
}

func (p *Provider) certificateSource(id ids, authority string) (source, bool, error) {
	path, from := p.cfg.CertificateFile, "certificateFile"
	if path == "" {
		path, from = p.deps.Getenv("AZURE_CLIENT_CERTIFICATE_PATH"), "AZURE_CLIENT_CERTIFICATE_PATH"
	}
	if path == "" {
		return source{}, false, nil
	}
	if err := needIDs(from, id); err != nil {
		return source{}, true, err
	}
	path, _ = providers.ExpandHome(path, p.deps.LookupEnv)
	data, err := os.ReadFile(path)
	if err != nil {
		return source{}, true, providers.FileError("acr: "+from, path, err, providers.ErrNoIdentity, providers.ErrUnavailable)
	}
	certs, key, err := azidentity.ParseCertificates(data, []byte(p.deps.Getenv("AZURE_CLIENT_CERTIFICATE_PASSWORD")))
	if err != nil {
		return source{}, true, fmt.Errorf("%w: acr: %s %s holds no usable certificate and private key (PEM, or PKCS#12 with AZURE_CLIENT_CERTIFICATE_PASSWORD): %s",
			providers.ErrInvalid, from, path, sdkText(err))
	}
	cred, err := azidentity.NewClientCertificateCredential(id.tenant, id.client, certs, key, &azidentity.ClientCertificateCredentialOptions{
		ClientOptions: p.clientOptions(authority), DisableInstanceDiscovery: true,
	})
	if err != nil {
		return source{}, true, fmt.Errorf("%w: acr: %s: %s", providers.ErrInvalid, from, sdkText(err))
	}
	return source{name: "certificate (" + from + ") of " + id.client + " in " + id.tenant, kind: kindCertificate, cred: cred, tenant: id.tenant}, true, nil
}

func (p *Provider) workloadSource(id ids, authority, file string) (source, error) {
	if err := needIDs("AZURE_FEDERATED_TOKEN_FILE", id); err != nil {
		return source{}, err
	}
	cred, err := azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{
		ClientOptions: p.clientOptions(authority), DisableInstanceDiscovery: true,
		TenantID: id.tenant, ClientID: id.client, TokenFilePath: file,
	})
	if err != nil {
		return source{}, fmt.Errorf("%w: acr: workload identity: %s", providers.ErrInvalid, sdkText(err))
	}
	return source{name: "workload identity (AZURE_FEDERATED_TOKEN_FILE) of " + id.client + " in " + id.tenant, kind: kindWorkload, cred: cred, tenant: id.tenant}, nil
}
