package acr

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/regcred/regcred/providers"
)

// noIdentityHint is what a machine without any Azure identity is told.
const noIdentityHint = "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH), " +
	"set this entry's clientSecretFile or certificateFile, run on Azure with a managed identity, or run `az login`"

// ambientSource is the end of the chain: the machine's managed identity
// when this is Azure, else the Azure CLI's login when `az` is installed.
func (p *Provider) ambientSource(ctx context.Context, id ids) (source, error) {
	tried := []string{"no service principal or workload identity variables"}
	for _, v := range []string{"IDENTITY_ENDPOINT", "MSI_ENDPOINT"} {
		if p.deps.Getenv(v) != "" {
			return p.managedSource(id, "managed identity ("+v+")")
		}
	}
	switch azure, why, busy := p.probeIMDS(ctx); {
	case busy != nil:
		return source{}, busy
	case azure:
		return p.managedSource(id, "managed identity (IMDS)")
	default:
		tried = append(tried, "no Azure IMDS ("+why+")")
	}
	if az := p.lookPath("az"); az != "" {
		return p.cliSource()
	}
	tried = append(tried, "no Azure CLI (az) on PATH")
	return source{}, providers.Absent(fmt.Errorf("%w: acr: no Azure identity found (%s); %s", providers.ErrNoIdentity, strings.Join(tried, ", "), noIdentityHint))
}

func (p *Provider) managedSource(id ids, name string) (source, error) {
	opts := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: p.clientOptions(authorityFor(""))}
	opts.ClientOptions.Transport = p.mdClient
	kind := kindManaged
	if id.client != "" {
		opts.ID = azidentity.ClientID(id.client)
		name += ", user-assigned " + id.client
	} else {
		kind, name = kindSystemManaged, name+", system-assigned"
	}
	cred, err := azidentity.NewManagedIdentityCredential(opts)
	if err != nil {
		return source{}, fmt.Errorf("%w: acr: %s: %s", providers.ErrInvalid, name, sdkText(err))
	}
	return source{name: name, kind: kind, cred: cred}, nil
}

func (p *Provider) cliSource() (source, error) {
	cred, err := azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: p.cfg.TenantID})
	if err != nil {
		return source{}, fmt.Errorf("%w: acr: Azure CLI: %s", providers.ErrInvalid, sdkText(err))
	}
	name := "Azure CLI login (az account get-access-token)"
	return source{name: name, kind: kindCLI, cred: boundedCred{cred: cred, timeout: cliTimeout}, tenant: p.cfg.TenantID}, nil
}

// probeIMDS asks the metadata address once, within imdsProbeTimeout,
// whether Azure's IMDS is there. Azure's answers a token request without a
// resource with 400 and an OAuth error in JSON; another cloud's metadata
// server at the same address (AWS, Google) answers otherwise. busy is an
// answer of 429 or 5xx — Azure's IMDS throttling or failing, which
// another cloud's does not answer here — an outage, never an absence.
func (p *Provider) probeIMDS(ctx context.Context) (azure bool, why string, busy error) {
	ctx, cancel := context.WithTimeout(ctx, imdsProbeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+imdsHost+"/metadata/identity/oauth2/token?api-version=2018-02-01", nil)
	if err != nil {
		return false, err.Error(), nil
	}
	req.Header.Set("Metadata", "true")
	resp, err := p.mdClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return false, "no answer within " + imdsProbeTimeout.String(), nil
		}
		return false, "unreachable", nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	var e struct {
		Error string `json:"error"`
	}
	switch {
	case (resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusOK) && json.Unmarshal(body, &e) == nil && (e.Error != "" || resp.StatusCode == http.StatusOK):
		return true, "", nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return false, "", fmt.Errorf("%w: acr: the Azure instance metadata service (IMDS) answered HTTP %d; try again later", providers.ErrUnavailable, resp.StatusCode)
	}
	return false, fmt.Sprintf("the metadata address answered %d, not as Azure's IMDS", resp.StatusCode), nil
}

// lookPath finds an executable on the PATH of the environment given, not
// the process's: the same one the cache key saw.
func (p *Provider) lookPath(name string) string {
	names := []string{name}
	if runtime.GOOS == "windows" {
		names = []string{name + ".cmd", name + ".exe"}
	}
	for _, dir := range filepath.SplitList(p.deps.Getenv("PATH")) {
		for _, n := range names {
			path := filepath.Join(dir, n)
			if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && (runtime.GOOS == "windows" || fi.Mode()&0o111 != 0) {
				return path
			}
		}
	}
	return ""
}
