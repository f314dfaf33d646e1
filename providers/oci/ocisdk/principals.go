package ocisdk

import (
	"context"
	"fmt"
	"sync"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/common/auth"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/oci/ociauth"
)

// instancePrincipalMu serialises the SDK's instance-principal setup: it
// stores the metadata URLs it is about to use in package variables of
// common/auth, so two setups at once race on them.
var instancePrincipalMu sync.Mutex

func (id Identity) instancePrincipal(ctx context.Context) (common.ConfigurationProvider, error) {
	base := DefaultMetadataBaseURL
	if v := id.Deps.Getenv(ociauth.EnvMetadataBaseURL); v != "" {
		base = v
	}
	if err := probeMetadata(ctx, id.HTTP, base); err != nil {
		return nil, err
	}
	return Await(ctx, ociauth.AuthInstancePrincipal, func() (common.ConfigurationProvider, error) {
		instancePrincipalMu.Lock()
		cp, err := auth.InstancePrincipalConfigurationProviderWithCustomClient(dispatcherModifier(id.HTTP))
		instancePrincipalMu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %s", providers.ErrNoIdentity, ociauth.AuthInstancePrincipal, firstLine(err.Error()))
		}
		return cp, ready(ociauth.AuthInstancePrincipal, cp)
	})
}

func (id Identity) resourcePrincipal(ctx context.Context) (common.ConfigurationProvider, error) {
	if _, ok := id.Deps.LookupEnv(ociauth.EnvRPVersion); !ok {
		return nil, fmt.Errorf("%w: %s: %s is not set (resource principals exist inside OCI Functions, Container Instances, Data Flow and similar services)", providers.ErrNoIdentity, ociauth.AuthResourcePrincipal, ociauth.EnvRPVersion)
	}
	return Await(ctx, ociauth.AuthResourcePrincipal, func() (common.ConfigurationProvider, error) {
		cp, err := auth.ResourcePrincipalConfigurationProvider()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %s", providers.ErrNoIdentity, ociauth.AuthResourcePrincipal, firstLine(err.Error()))
		}
		return cp, ready(ociauth.AuthResourcePrincipal, cp)
	})
}

// DefaultServiceAccountTokenPath is where Kubernetes mounts a pod's token.
const DefaultServiceAccountTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token"

func (id Identity) okeWorkloadIdentity(ctx context.Context) (common.ConfigurationProvider, error) {
	for _, k := range []string{ociauth.EnvRPVersion, ociauth.EnvKubernetesServiceHost} {
		if _, ok := id.Deps.LookupEnv(k); !ok {
			return nil, fmt.Errorf("%w: %s: %s is not set (OKE sets it in pods of enhanced clusters)", providers.ErrNoIdentity, ociauth.AuthOKEWorkloadIdentity, k)
		}
	}
	var tp auth.ServiceAccountTokenProvider
	if id.ServiceAccountToken != "" {
		tp = saToken{auth.NewSuppliedServiceAccountTokenProvider(id.ServiceAccountToken), "the kubelet"}
	} else {
		path := DefaultServiceAccountTokenPath
		if v := id.Deps.Getenv(ociauth.EnvKubernetesSATokenPath); v != "" {
			path = v
		}
		tp = saToken{auth.NewDefaultServiceAccountTokenProvider().WithSaTokenPath(path), path}
	}
	return Await(ctx, ociauth.AuthOKEWorkloadIdentity, func() (common.ConfigurationProvider, error) {
		cp, err := auth.OkeWorkloadIdentityConfigurationProviderWithServiceAccountTokenProvider(tp)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %s", providers.ErrNoIdentity, ociauth.AuthOKEWorkloadIdentity, firstLine(err.Error()))
		}
		return cp, ready(ociauth.AuthOKEWorkloadIdentity, cp)
	})
}

const errSATokenText = "service-account token"

// saToken keeps the token out of errors: the SDK quotes a token it cannot
// parse in full.
type saToken struct {
	inner  auth.ServiceAccountTokenProvider
	source string
}

func (t saToken) ServiceAccountToken() (string, error) {
	tok, err := t.inner.ServiceAccountToken()
	if err != nil {
		return "", fmt.Errorf("the %s from %s is missing, unreadable, not a JWT or about to expire", errSATokenText, t.source)
	}
	return tok, nil
}
