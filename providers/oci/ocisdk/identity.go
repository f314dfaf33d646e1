package ocisdk

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/oracle/oci-go-sdk/v65/common"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/oci/ociauth"
)

// Identity is what an OCI request is signed with.
type Identity struct {
	Settings ociauth.Settings
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
	case ociauth.AuthConfigFile, ociauth.AuthSessionToken:
		cp, err = id.fileProvider()
	case ociauth.AuthInstancePrincipal:
		cp, err = id.instancePrincipal(ctx)
	case ociauth.AuthResourcePrincipal:
		cp, err = id.resourcePrincipal(ctx)
	case ociauth.AuthOKEWorkloadIdentity:
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
