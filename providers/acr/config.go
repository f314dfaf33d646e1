package acr

import (
	"runtime"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
)

// Config is the `acr:` block of a registry entry. Every field is optional:
// `acr: {}` uses the first identity the environment supplies.
type Config struct {
	// TenantID is the Entra tenant (directory) of the service principal or
	// federated identity; else AZURE_TENANT_ID.
	TenantID string `yaml:"tenantId"`
	// ClientID is the application (client) ID of the service principal,
	// federated identity or user-assigned managed identity; else
	// AZURE_CLIENT_ID. Empty with managed identity: the system-assigned one.
	ClientID string `yaml:"clientId"`
	// ClientSecretFile holds the service principal's client secret. A
	// leading "~/" is the home directory.
	ClientSecretFile string `yaml:"clientSecretFile"`
	// CertificateFile is the service principal's certificate and private
	// key, PEM or PKCS#12 (without a password, or with
	// AZURE_CLIENT_CERTIFICATE_PASSWORD).
	CertificateFile string `yaml:"certificateFile"`
	// AuthorityHost is the Entra endpoint; else AZURE_AUTHORITY_HOST, else
	// the cloud of the registry's suffix (login.microsoftonline.com,
	// login.chinacloudapi.cn, login.microsoftonline.us).
	AuthorityHost string `yaml:"authorityHost"`
	// Scope the Entra token is asked for; default DefaultScope.
	Scope string `yaml:"scope"`
	// ClientIDAnnotation names the service-account annotation (such as
	// azure.workload.identity/client-id) holding the client ID a pod pulls
	// as: in kubelet mode the pod's token is exchanged through workload
	// identity federation, and the node's identity plays no part.
	ClientIDAnnotation string `yaml:"clientIdAnnotation"`
	// TenantIDAnnotation names the service-account annotation (such as
	// azure.workload.identity/tenant-id) holding the pod's tenant, when it
	// is not this entry's tenantId or AZURE_TENANT_ID.
	TenantIDAnnotation string `yaml:"tenantIdAnnotation"`
	// IDToken makes the entry keyless: the workload's identity token (a CI
	// job's) is the client assertion of clientId's federated credential,
	// and no Azure identity of the machine takes part.
	IDToken *idtoken.Config `yaml:"idToken"`
}

// IdentityToken implements idtoken.Trader, with the audience Entra's
// federated credentials expect by default.
func (c Config) IdentityToken() (idtoken.Config, bool) {
	return idtoken.Defaulted(c.IDToken, ExchangeAudience)
}

// ExchangeAudience is the audience Entra recommends, and regcred asks
// for, in a federated credential.
const ExchangeAudience = "api://AzureADTokenExchange"

// ResolvePaths implements providers.RelativePaths.
func (c *Config) ResolvePaths(dir string) {
	c.ClientSecretFile = providers.ResolvePath(dir, c.ClientSecretFile)
	c.CertificateFile = providers.ResolvePath(dir, c.CertificateFile)
	if c.IDToken != nil {
		c.IDToken.ResolvePath(dir)
	}
}

// DefaultScope is the scope of the Entra token exchanged at a registry:
// the one `az acr login` asks for.
const DefaultScope = "https://containerregistry.azure.net/.default"

// TokenScope is the entry's scope, or DefaultScope.
func (c Config) TokenScope() string {
	if c.Scope == "" {
		return DefaultScope
	}
	return c.Scope
}

// EnvKeys implements providers.AmbientEnv: the variables that select the
// Azure identity, in azidentity's and the Azure CLI's names. HOME is not
// one: the CLI's profile under it counts by its content (IdentityFiles).
// In service-account mode only the tenant and the authority are the
// node's; the pod's token and annotations are in the key already.
func (c Config) EnvKeys() []string {
	if c.IDToken != nil {
		return []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_AUTHORITY_HOST"}
	}
	if c.UsesPodIdentity() {
		return []string{"AZURE_TENANT_ID", "AZURE_AUTHORITY_HOST"}
	}
	return []string{
		"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET",
		"AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_CLIENT_CERTIFICATE_PASSWORD",
		"AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST", "AZURE_CONFIG_DIR",
		"IDENTITY_ENDPOINT", "IDENTITY_HEADER", "IMDS_ENDPOINT", "MSI_ENDPOINT", "MSI_SECRET",
	}
}

// IdentityFiles implements providers.IdentityFiles: the secret or
// certificate that is the service principal, and the Azure CLI's profile,
// which `az login` and `az account set` rewrite. The federated token file
// is left out: it rotates for the same identity, which AZURE_CLIENT_ID
// names.
func (c Config) IdentityFiles(lookupEnv func(string) (string, bool)) []string {
	if c.UsesPodIdentity() || c.IDToken != nil {
		return nil // the pod's token, or the identity token's claims, are the identity
	}
	var out []string
	for _, f := range []string{c.ClientSecretFile, c.CertificateFile} {
		if f == "" {
			continue
		}
		if path, ok := providers.ExpandHome(f, lookupEnv); ok {
			f = path
		}
		out = append(out, f)
	}
	if f, ok := lookupEnv("AZURE_CLIENT_CERTIFICATE_PATH"); ok && f != "" && c.CertificateFile == "" {
		out = append(out, f)
	}
	if p := cliProfile(lookupEnv, runtime.GOOS); p != "" {
		out = append(out, p)
	}
	return out
}

// UsesPodIdentity implements providers.PodIdentity: with
// clientIdAnnotation the pod's token is the only credential of the login;
// so it is with idToken `from: auto`, which takes the pod's token.
func (c Config) UsesPodIdentity() bool {
	return c.ClientIDAnnotation != "" || c.IDToken != nil && c.IDToken.Source() == idtoken.FromAuto
}

// PodAnnotations implements providers.PodIdentity.
func (c Config) PodAnnotations() []string {
	var out []string
	for _, a := range []string{c.ClientIDAnnotation, c.TenantIDAnnotation} {
		if a != "" {
			out = append(out, a)
		}
	}
	return out
}
