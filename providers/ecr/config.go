package ecr

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode"

	"github.com/regcred/regcred/providers"
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

var (
	regionRE      = lazyRegexp(`^[a-z]{2,}(-[a-z0-9]+)+-[0-9]+$`)
	roleARNRE     = lazyRegexp(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)
	sessionNameRE = lazyRegexp(`^[\w+=,.@-]{2,64}$`)
	externalIDRE  = lazyRegexp(`^[\w+=,.@:/-]+$`)
)

// Validate checks the settings without any I/O. Errors name the field.
func (c Config) Validate() error {
	var errs []error
	bad := func(field, why string) {
		errs = append(errs, fmt.Errorf("ecr: %s: %s: %w", field, why, providers.ErrInvalid))
	}
	if c.Profile != "" && strings.IndexFunc(c.Profile, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		bad("profile", "must not contain spaces or control characters")
	}
	if c.Region != "" && !regionRE().MatchString(c.Region) {
		bad("region", fmt.Sprintf("%q is not an AWS region name (like us-east-1)", c.Region))
	}
	if c.RoleARN != "" && !roleARNRE().MatchString(c.RoleARN) {
		bad("roleArn", fmt.Sprintf("%q is not an IAM role ARN (arn:aws:iam::123456789012:role/name)", c.RoleARN))
	}
	if c.RoleSessionName != "" && !sessionNameRE().MatchString(c.RoleSessionName) {
		bad("roleSessionName", "must be 2-64 characters of letters, digits and +=,.@_-")
	}
	if c.ExternalID != "" && (len(c.ExternalID) < 2 || len(c.ExternalID) > 1224 || !externalIDRE().MatchString(c.ExternalID)) {
		// The value is not echoed: an external ID is sometimes treated as a secret.
		bad("externalId", "must be 2-1224 characters of letters, digits and +=,.@:/_-")
	}
	if c.RoleARNAnnotation != "" && strings.IndexFunc(c.RoleARNAnnotation, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		bad("roleArnAnnotation", fmt.Sprintf("%q must be an annotation key (like eks.amazonaws.com/role-arn), without spaces", c.RoleARNAnnotation))
	}
	if c.RoleARN != "" && c.RoleARNAnnotation != "" {
		bad("roleArn/roleArnAnnotation", "set one: the role comes either from the entry or from the pod's service account")
	}
	if c.RoleARN == "" && c.ExternalID != "" {
		bad("externalId", "only applies with roleArn")
	}
	if c.RoleARN == "" && c.RoleARNAnnotation == "" && c.RoleSessionName != "" {
		bad("roleSessionName", "only applies with roleArn or roleArnAnnotation")
	}
	if c.Endpoint != "" {
		if err := checkEndpoint(c.Endpoint); err != nil {
			bad("endpoint", err.Error())
		}
	}
	return errors.Join(errs...)
}

// checkEndpoint allows plain http only to loopback: the answer carries the
// registry password.
func checkEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL", raw)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("%q: scheme must be https (or http to a loopback address)", raw)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("%q has no host", raw)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("%q must not carry user info, a query or a fragment", u.Redacted())
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return fmt.Errorf("%q: plain http is only allowed to a loopback address; use https", raw)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
		"AWS_EC2_METADATA_DISABLED",
	}
}
