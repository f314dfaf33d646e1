package ocisdk

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/common/auth"
	"github.com/regcred/regcred/providers"
)

// Identity is what an OCI request is signed with.
type Identity struct {
	Settings Settings
	Deps     providers.Deps
	// HTTP is the dispatcher (see Dispatcher) the principals' own
	// exchanges use, where the SDK lets them.
	HTTP *http.Client
	// ServiceAccountToken, when set, is the Kubernetes service-account
	// token oke_workload_identity presents instead of reading the token
	// file (kubelet mode passes the pod's token).
	ServiceAccountToken string
}

// Provider resolves the identity into an SDK configuration provider whose
// key and key id are ready to sign: files are read, and principals have
// fetched their session token. Errors wrap providers.ErrNoIdentity when
// the identity is absent or unusable here, ErrDenied when its token
// exchange was refused, ErrUnavailable when that exchange failed.
func (id Identity) Provider(ctx context.Context) (common.ConfigurationProvider, error) {
	s := id.Settings
	var (
		cp  common.ConfigurationProvider
		err error
	)
	switch s.Method() {
	case AuthConfigFile, AuthSessionToken:
		cp, err = id.fileProvider()
	case AuthInstancePrincipal:
		cp, err = id.instancePrincipal(ctx)
	case AuthResourcePrincipal:
		cp, err = id.resourcePrincipal(ctx)
	case AuthOKEWorkloadIdentity:
		cp, err = id.okeWorkloadIdentity(ctx)
	default:
		return nil, fmt.Errorf("%w: %s: auth %q is not supported", providers.ErrInvalid, s.Kind, s.Auth)
	}
	if err != nil {
		return nil, err
	}
	return wrap(cp, s.Region), nil
}

// ready fetches the key id (which makes a principal exchange its
// credentials for a session token) and the private key.
func ready(method string, cp common.ConfigurationProvider) error {
	if _, err := cp.KeyID(); err != nil {
		return exchangeError(method, err)
	}
	if _, err := cp.PrivateRSAKey(); err != nil {
		return exchangeError(method, err)
	}
	return nil
}

// exchangeError sorts a principal's failed token exchange. The SDK
// reports an auth service's 4xx answer as "… returned by auth service"
// and everything else (unreachable, 5xx, bad answer) otherwise.
func exchangeError(method string, err error) error {
	msg := firstLine(err.Error())
	switch {
	case strings.Contains(msg, "failed to parse the token string"):
		// The SDK quotes the whole unparseable token; keep it out.
		return fmt.Errorf("%w: %s: the token service answered something that is not a token", providers.ErrUnavailable, method)
	case strings.Contains(msg, errSATokenText):
		return fmt.Errorf("%w: %s: %s", providers.ErrNoIdentity, method, msg)
	case strings.Contains(msg, "returned by auth service"), strings.Contains(msg, "Status: 401"), strings.Contains(msg, "Status: 403"):
		return fmt.Errorf("%w: %s: the token exchange was refused: %s", providers.ErrDenied, method, msg)
	default:
		return fmt.Errorf("%w: %s: could not get a session token: %s", providers.ErrUnavailable, method, msg)
	}
}

// firstLine drops the SDK's appended help paragraphs.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// instancePrincipalMu serialises the SDK's instance-principal setup: it
// stores the metadata URLs it is about to use in package variables of
// common/auth, so two setups at once race on them.
var instancePrincipalMu sync.Mutex

func (id Identity) instancePrincipal(ctx context.Context) (common.ConfigurationProvider, error) {
	base := DefaultMetadataBaseURL
	if v := id.Deps.Getenv(EnvMetadataBaseURL); v != "" {
		base = v
	}
	if err := probeMetadata(ctx, id.HTTP, base); err != nil {
		return nil, err
	}
	return Await(ctx, AuthInstancePrincipal, func() (common.ConfigurationProvider, error) {
		instancePrincipalMu.Lock()
		cp, err := auth.InstancePrincipalConfigurationProviderWithCustomClient(dispatcherModifier(id.HTTP))
		instancePrincipalMu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %s", providers.ErrNoIdentity, AuthInstancePrincipal, firstLine(err.Error()))
		}
		return cp, ready(AuthInstancePrincipal, cp)
	})
}

func (id Identity) resourcePrincipal(ctx context.Context) (common.ConfigurationProvider, error) {
	if _, ok := id.Deps.LookupEnv(EnvRPVersion); !ok {
		return nil, fmt.Errorf("%w: %s: %s is not set (resource principals exist inside OCI Functions, Container Instances, Data Flow and similar services)", providers.ErrNoIdentity, AuthResourcePrincipal, EnvRPVersion)
	}
	return Await(ctx, AuthResourcePrincipal, func() (common.ConfigurationProvider, error) {
		cp, err := auth.ResourcePrincipalConfigurationProvider()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %s", providers.ErrNoIdentity, AuthResourcePrincipal, firstLine(err.Error()))
		}
		return cp, ready(AuthResourcePrincipal, cp)
	})
}

// DefaultServiceAccountTokenPath is where Kubernetes mounts a pod's token.
const DefaultServiceAccountTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token"

func (id Identity) okeWorkloadIdentity(ctx context.Context) (common.ConfigurationProvider, error) {
	for _, k := range []string{EnvRPVersion, EnvKubernetesServiceHost} {
		if _, ok := id.Deps.LookupEnv(k); !ok {
			return nil, fmt.Errorf("%w: %s: %s is not set (OKE sets it in pods of enhanced clusters)", providers.ErrNoIdentity, AuthOKEWorkloadIdentity, k)
		}
	}
	var tp auth.ServiceAccountTokenProvider
	if id.ServiceAccountToken != "" {
		tp = saToken{auth.NewSuppliedServiceAccountTokenProvider(id.ServiceAccountToken), "the kubelet"}
	} else {
		path := DefaultServiceAccountTokenPath
		if v := id.Deps.Getenv(EnvKubernetesSATokenPath); v != "" {
			path = v
		}
		tp = saToken{auth.NewDefaultServiceAccountTokenProvider().WithSaTokenPath(path), path}
	}
	return Await(ctx, AuthOKEWorkloadIdentity, func() (common.ConfigurationProvider, error) {
		cp, err := auth.OkeWorkloadIdentityConfigurationProviderWithServiceAccountTokenProvider(tp)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %s", providers.ErrNoIdentity, AuthOKEWorkloadIdentity, firstLine(err.Error()))
		}
		return cp, ready(AuthOKEWorkloadIdentity, cp)
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
