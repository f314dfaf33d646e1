package ecr

import (
	"github.com/regcred/regcred/providers/ambientfiles"
	"github.com/regcred/regcred/providers/idtoken"
)

// Config is the `ecr:` settings of a registry entry. Every field is
// optional: with none, the region comes from the registry host and the
// identity from the AWS SDK's default credential chain.
type Config struct {
	// Profile names the shared-config profile (else AWS_PROFILE, else "default").
	Profile string `yaml:"profile"`
	// Region overrides the region read from the registry host for the
	// GetAuthorizationToken call and for STS. ECR Public ignores it: only
	// us-east-1 serves that API.
	Region string `yaml:"region"`
	// RoleARN is assumed (sts:AssumeRole) with the ambient identity first.
	RoleARN string `yaml:"roleArn"`
	// RoleSessionName names the assumed-role session (default "regcred").
	RoleSessionName string `yaml:"roleSessionName"`
	// RoleARNAnnotation names a service-account annotation (such as
	// eks.amazonaws.com/role-arn) holding the IAM role a pod pulls as: in
	// kubelet mode the pod's token assumes it with AssumeRoleWithWebIdentity
	// instead of the node's credentials being used.
	RoleARNAnnotation string `yaml:"roleArnAnnotation"`
	// IDToken, with RoleARN, makes the entry keyless: the workload's
	// identity token (a CI job's) assumes the role with
	// AssumeRoleWithWebIdentity, and no AWS identity of the machine takes
	// part.
	IDToken *idtoken.Config `yaml:"idToken"`
	// ExternalID is passed to sts:AssumeRole when the role's trust policy wants one.
	ExternalID string `yaml:"externalId"`
	// FIPS calls the FIPS API endpoint even when the registry host is not a
	// FIPS host (FIPS hosts always get the FIPS endpoint).
	FIPS bool `yaml:"fips"`
	// DualStack calls the dual-stack (IPv6) API endpoint even when the
	// registry host is not a dual-stack host (which always get it).
	DualStack bool `yaml:"dualstack"`
	// Endpoint replaces the ECR (or ECR Public) API endpoint, for VPC
	// endpoints, proxies and tests. It must be https unless it is loopback.
	// FIPS and dual-stack endpoint selection do not apply to it.
	Endpoint string `yaml:"endpoint"`
}

// EnvKeys lists the variables that select the AWS identity, region or API
// endpoint, so the token cache never serves one identity's token to another.
func (c Config) EnvKeys() []string {
	return []string{
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_ACCESS_KEY_ID",
		"AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
		"AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL_ECR_PUBLIC", "AWS_ENDPOINT_URL_STS",
		"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
		"AWS_EC2_METADATA_DISABLED", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
	}
}

// IdentityFiles implements providers.IdentityFiles: the shared credentials
// and config files, whose content (which access key, which role, which
// source profile) selects the identity as much as AWS_PROFILE does. A
// web-identity token file is not one of them: it is rewritten hourly for
// the same role, which AWS_ROLE_ARN (or the profile's role_arn) names.
func (c Config) IdentityFiles(lookupEnv func(string) (string, bool)) []string {
	return ambientfiles.AWS(lookupEnv)
}

// UsesPodIdentity implements providers.PodIdentity: with roleArnAnnotation
// the pod's token assumes the role (AssumeRoleWithWebIdentity, unsigned)
// and the node's AWS identity signs nothing.
// So does idToken with `from: auto`, which takes the pod's token.
func (c Config) UsesPodIdentity() bool {
	return c.RoleARNAnnotation != "" || c.IDToken != nil && c.IDToken.Source() == idtoken.FromAuto
}

// DefaultAudience is the audience an ECR entry's idToken asks for unless
// it names one: what AWS's IAM OIDC providers are usually given
// (configure-aws-credentials asks for it too).
const DefaultAudience = "sts.amazonaws.com"

// IdentityToken implements idtoken.Trader.
func (c Config) IdentityToken() (idtoken.Config, bool) {
	return idtoken.Defaulted(c.IDToken, DefaultAudience)
}

// ResolvePaths implements providers.RelativePaths.
func (c *Config) ResolvePaths(dir string) {
	if c.IDToken != nil {
		c.IDToken.ResolvePath(dir)
	}
}

// PodAnnotations implements providers.PodIdentity.
func (c Config) PodAnnotations() []string {
	if c.RoleARNAnnotation == "" {
		return nil
	}
	return []string{c.RoleARNAnnotation}
}
