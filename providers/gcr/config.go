package gcr

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
)

// DefaultScope is what tokens are asked for when the entry names no
// scopes; both Container Registry and Artifact Registry accept it.
const DefaultScope = "https://www.googleapis.com/auth/cloud-platform"

// Config is the `gcr:` block of a registry entry. Every field is optional:
// `gcr: {}` uses Application Default Credentials.
type Config struct {
	// CredentialsFile is a JSON credentials file: a service-account key,
	// an authorized_user login, an external_account (workload identity
	// federation) or an impersonated_service_account configuration. A
	// leading "~/" is the home directory. Empty: Application Default
	// Credentials.
	CredentialsFile string `yaml:"credentialsFile"`
	// Scopes the access token is asked for; default cloud-platform.
	Scopes []string `yaml:"scopes"`
	// ImpersonateServiceAccount is the e-mail (or numeric unique id) of a
	// service account whose token is fetched with the identity found; that
	// identity needs roles/iam.serviceAccountTokenCreator on it.
	ImpersonateServiceAccount string `yaml:"impersonateServiceAccount"`

	// Source is where the identity comes from: "adc" (the default:
	// Application Default Credentials, or credentialsFile) or "gcloud", the
	// user's gcloud login (`gcloud auth login`), read with `gcloud config
	// config-helper`. Kubelet service-account mode is chosen by
	// workloadIdentityProvider(Annotation), not here.
	Source string `yaml:"source"`
	// GcloudPath is the gcloud executable for source gcloud; empty: gcloud
	// looked up on PATH.
	GcloudPath string `yaml:"gcloudPath"`

	// WorkloadIdentityProvider is the workload identity pool provider
	// (//iam.googleapis.com/projects/N/locations/global/workloadIdentityPools/P/providers/X)
	// the pod's service-account token is exchanged at in kubelet
	// service-account mode: setting it (or its annotation) makes the entry
	// answer a pod as that pod and nothing else.
	WorkloadIdentityProvider string `yaml:"workloadIdentityProvider"`
	// WorkloadIdentityProviderAnnotation names a service-account annotation
	// holding the provider, for pods of different pools; it wins over
	// workloadIdentityProvider when the pod's account has it.
	WorkloadIdentityProviderAnnotation string `yaml:"workloadIdentityProviderAnnotation"`
	// ServiceAccountAnnotation names a service-account annotation (such as
	// iam.gke.io/gcp-service-account) holding the Google service account
	// the pod's federated token impersonates; it wins over
	// impersonateServiceAccount when the pod's account has it.
	ServiceAccountAnnotation string `yaml:"serviceAccountAnnotation"`
	// IDToken, with workloadIdentityProvider, makes the entry keyless: the
	// workload's identity token (a CI job's) is exchanged at STS for the
	// pool provider, then for impersonateServiceAccount's token when it is
	// set; no Google identity of the machine takes part.
	IDToken *idtoken.Config `yaml:"idToken"`
	// STSEndpoint and IAMCredentialsEndpoint replace
	// https://sts.googleapis.com and https://iamcredentials.googleapis.com
	// (private endpoints, proxies, tests); https unless loopback.
	STSEndpoint            string `yaml:"stsEndpoint"`
	IAMCredentialsEndpoint string `yaml:"iamCredentialsEndpoint"`
}

// Sources of the identity.
const (
	SourceADC    = "adc"
	SourceGcloud = "gcloud"
)

// Validate checks the settings without reading files or the network. Its
// errors name the setting and never quote the value, which may be a secret
// typed in the wrong place.
func (c Config) Validate() error {
	if c.CredentialsFile != "" && (strings.TrimSpace(c.CredentialsFile) == "" || hasControl(c.CredentialsFile)) {
		return fmt.Errorf("%w: gcr: credentialsFile is not a usable path (blank or with control characters)", providers.ErrInvalid)
	}
	for i, s := range c.Scopes {
		if s == "" || strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			return fmt.Errorf("%w: gcr: scopes[%d] must be one scope without spaces, e.g. %s", providers.ErrInvalid, i, DefaultScope)
		}
	}
	if sa := c.ImpersonateServiceAccount; sa != "" && !validServiceAccount(sa) {
		return fmt.Errorf("%w: gcr: impersonateServiceAccount is not a service-account e-mail (name@project.iam.gserviceaccount.com) or numeric id", providers.ErrInvalid)
	}
	if err := c.validateSource(); err != nil {
		return err
	}
	return c.validatePod()
}

// EnvKeys implements providers.AmbientEnv: the variables that select the
// identity when the entry names no credentials file. With a file, the
// environment plays no part.
func (c Config) EnvKeys() []string {
	if c.Source == SourceGcloud {
		return gcloudEnvKeys()
	}
	if c.CredentialsFile != "" || c.federated() {
		return nil
	}
	return []string{
		"GOOGLE_APPLICATION_CREDENTIALS",
		"CLOUDSDK_CONFIG",
		"HOME",
		"APPDATA",
		"GCE_METADATA_HOST",
		"GOOGLE_CLOUD_PROJECT",
	}
}

// TokenScopes are the scopes a token is asked for: the entry's, or
// DefaultScope when it names none.
func (c Config) TokenScopes() []string {
	if len(c.Scopes) == 0 {
		return []string{DefaultScope}
	}
	return c.Scopes
}

// validServiceAccount accepts what the IAM Credentials API takes as the
// account in its URL path: an e-mail of letters, digits and ".-_+", or a
// numeric unique id.
func validServiceAccount(s string) bool {
	if _, err := strconv.ParseUint(s, 10, 64); err == nil {
		return true
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" || !strings.Contains(domain, ".") {
		return false
	}
	for _, r := range local + domain {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_+", r)) {
			return false
		}
	}
	return true
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}
