package gcr

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
	"github.com/regcred/regcred/providers/lazyregexp"
)

// workloadProviderRE is the resource name of a workload identity pool
// provider as STS takes it for `audience`.
var workloadProviderRE = lazyregexp.New(`^//iam\.googleapis\.com/projects/[0-9]{1,20}/locations/[a-z0-9-]{1,40}/workloadIdentityPools/[a-z0-9-]{4,32}/providers/[a-z0-9-]{4,32}$`)

// IsWorkloadIdentityProvider reports whether s names a workload identity
// pool provider.
func IsWorkloadIdentityProvider(s string) bool { return workloadProviderRE().MatchString(s) }

// validateSource checks source and gcloudPath.
func (c Config) validateSource() error {
	switch c.Source {
	case "", SourceADC:
		if c.GcloudPath != "" {
			return fmt.Errorf("%w: gcr: gcloudPath only applies with source: gcloud", providers.ErrInvalid)
		}
	case SourceGcloud:
		if c.CredentialsFile != "" {
			return fmt.Errorf("%w: gcr: source gcloud uses gcloud's login, not credentialsFile; set one of them", providers.ErrInvalid)
		}
		if c.GcloudPath != "" && (strings.TrimSpace(c.GcloudPath) == "" || hasControl(c.GcloudPath)) {
			return fmt.Errorf("%w: gcr: gcloudPath is not a usable path (blank or with control characters)", providers.ErrInvalid)
		}
	default:
		return fmt.Errorf("%w: gcr: source must be %q (Application Default Credentials, the default) or %q (the user's gcloud login)", providers.ErrInvalid, SourceADC, SourceGcloud)
	}
	for _, ep := range []struct{ name, value string }{{"stsEndpoint", c.STSEndpoint}, {"iamCredentialsEndpoint", c.IAMCredentialsEndpoint}} {
		if err := checkEndpoint(ep.name, ep.value); err != nil {
			return err
		}
	}
	return nil
}

// validatePod checks the kubelet service-account settings.
func (c Config) validatePod() error {
	if p := c.WorkloadIdentityProvider; p != "" && !IsWorkloadIdentityProvider(p) {
		return fmt.Errorf("%w: gcr: workloadIdentityProvider must be //iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>", providers.ErrInvalid)
	}
	for _, a := range []struct{ name, value string }{
		{"workloadIdentityProviderAnnotation", c.WorkloadIdentityProviderAnnotation},
		{"serviceAccountAnnotation", c.ServiceAccountAnnotation},
	} {
		if a.value != "" && strings.IndexFunc(a.value, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			return fmt.Errorf("%w: gcr: %s must be an annotation key (like iam.gke.io/gcp-service-account), without spaces", providers.ErrInvalid, a.name)
		}
	}
	if err := c.validateIDToken(); err != nil {
		return err
	}
	switch {
	case !c.federated():
		if c.ServiceAccountAnnotation != "" {
			return fmt.Errorf("%w: gcr: serviceAccountAnnotation needs workloadIdentityProvider or workloadIdentityProviderAnnotation: the account a pod names is only impersonated with that pod's own token", providers.ErrInvalid)
		}
	case c.CredentialsFile != "" || c.Source == SourceGcloud:
		return fmt.Errorf("%w: gcr: workloadIdentityProvider logs in with an OIDC token (the pod's, or idToken's); it does not combine with credentialsFile or source: gcloud", providers.ErrInvalid)
	}
	return nil
}

// validateIDToken checks idToken: it needs the pool provider to exchange
// the token at, and takes no annotation, which only a pod's own token may
// act on.
func (c Config) validateIDToken() error {
	switch {
	case c.IDToken == nil:
		return nil
	case c.WorkloadIdentityProvider == "":
		return fmt.Errorf("%w: gcr: idToken needs workloadIdentityProvider, the pool provider the identity token is exchanged at", providers.ErrInvalid)
	case c.WorkloadIdentityProviderAnnotation != "" || c.ServiceAccountAnnotation != "":
		return fmt.Errorf("%w: gcr: idToken does not combine with workloadIdentityProviderAnnotation or serviceAccountAnnotation: name the provider and the service account in the entry", providers.ErrInvalid)
	}
	if err := c.IDToken.Validate(); err != nil {
		return fmt.Errorf("gcr: %w", err)
	}
	return nil
}

// checkEndpoint accepts a base URL that is https, or http to loopback
// (tests): tokens go there.
func checkEndpoint(name, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%w: gcr: %s must be a base URL like https://host[:port]", providers.ErrInvalid, name)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && providers.IsLoopbackHost(u.Hostname())) {
		return fmt.Errorf("%w: gcr: %s %s would carry tokens without TLS; it must be https (plain http only to loopback)", providers.ErrInvalid, name, u.Redacted())
	}
	return nil
}

// federated reports whether the entry exchanges an OIDC token at STS (the
// pod's, or idToken's) rather than reading a Google identity of the
// machine.
func (c Config) federated() bool {
	return c.WorkloadIdentityProvider != "" || c.WorkloadIdentityProviderAnnotation != ""
}

// UsesPodIdentity implements providers.PodIdentity: with a workload
// identity provider, in kubelet mode the pod's own token is exchanged at
// STS and nothing of the node's (files, metadata server) takes part. With
// idToken that holds for `from: auto` only, which takes the pod's token.
func (c Config) UsesPodIdentity() bool {
	if c.IDToken != nil {
		return c.IDToken.Source() == idtoken.FromAuto
	}
	return c.federated()
}

// IdentityToken implements idtoken.Trader. Its default audience is the
// one a pool provider allows when none is configured: the provider's
// resource name as an https URL (what google-github-actions/auth asks for).
func (c Config) IdentityToken() (idtoken.Config, bool) {
	return idtoken.Defaulted(c.IDToken, DefaultAudience(c.WorkloadIdentityProvider))
}

// DefaultAudience is the audience a pool provider allows by default:
// https: followed by its resource name.
func DefaultAudience(workloadIdentityProvider string) string {
	return "https:" + workloadIdentityProvider
}

// PodAnnotations implements providers.PodIdentity.
func (c Config) PodAnnotations() []string {
	var out []string
	for _, a := range []string{c.WorkloadIdentityProviderAnnotation, c.ServiceAccountAnnotation} {
		if a != "" {
			out = append(out, a)
		}
	}
	return out
}
