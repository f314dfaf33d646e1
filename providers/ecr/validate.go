package ecr

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/lazyregexp"
)

var (
	regionRE      = lazyregexp.New(`^[a-z]{2,}(-[a-z0-9]+)+-[0-9]+$`)
	roleARNRE     = lazyregexp.New(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)
	sessionNameRE = lazyregexp.New(`^[\w+=,.@-]{2,64}$`)
	externalIDRE  = lazyregexp.New(`^[\w+=,.@:/-]+$`)
)

// IsRoleARN reports whether s is an IAM role ARN in any partition
// (arn:aws…:iam::<12-digit account>:role/<path and name>). The ecr backend
// checks a pod's role annotation with it too.
func IsRoleARN(s string) bool {
	return roleARNRE().MatchString(s)
}

// Validate checks the settings without any I/O. Errors name the field and
// never quote its value: a value that fails a check may be a secret typed
// in the wrong place, and the error is printed into the client's log.
func (c Config) Validate() error {
	var errs []error
	bad := func(field, why string) {
		errs = append(errs, fmt.Errorf("ecr: %s: %s: %w", field, why, providers.ErrInvalid))
	}
	if c.Profile != "" && strings.IndexFunc(c.Profile, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		bad("profile", "must not contain spaces or control characters")
	}
	if c.Region != "" && !regionRE().MatchString(c.Region) {
		bad("region", "is not an AWS region name (like us-east-1)")
	}
	if c.RoleARN != "" && !IsRoleARN(c.RoleARN) {
		bad("roleArn", "is not an IAM role ARN (arn:aws:iam::123456789012:role/name)")
	}
	if c.RoleSessionName != "" && !sessionNameRE().MatchString(c.RoleSessionName) {
		bad("roleSessionName", "must be 2-64 characters of letters, digits and +=,.@_-")
	}
	if c.ExternalID != "" && (len(c.ExternalID) < 2 || len(c.ExternalID) > 1224 || !externalIDRE().MatchString(c.ExternalID)) {
		bad("externalId", "must be 2-1224 characters of letters, digits and +=,.@:/_-")
	}
	if c.RoleARNAnnotation != "" && strings.IndexFunc(c.RoleARNAnnotation, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		bad("roleArnAnnotation", "must be an annotation key (like eks.amazonaws.com/role-arn), without spaces")
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
	if c.IDToken != nil {
		switch {
		case c.RoleARN == "":
			bad("idToken", "needs roleArn, the role the identity token assumes with AssumeRoleWithWebIdentity")
		case c.ExternalID != "":
			bad("externalId", "does not apply with idToken (AssumeRoleWithWebIdentity takes none)")
		}
		if err := c.IDToken.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("ecr: %w", err))
		}
	}
	if c.Endpoint != "" {
		if err := checkEndpoint(c.Endpoint); err != nil {
			bad("endpoint", err.Error())
		}
	}
	return errors.Join(errs...)
}

// checkEndpoint allows plain http only to loopback: the answer carries the
// registry password. Its errors do not quote the URL, which may hold user
// info or a token in its query.
func checkEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("is not a URL")
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return errors.New("scheme must be https (or http to a loopback address)")
	case u.Host == "" || u.Hostname() == "":
		return errors.New("has no host")
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return errors.New("must not carry user info, a query or a fragment")
	case u.Scheme == "http" && !providers.IsLoopbackHost(u.Hostname()):
		return errors.New("plain http is only allowed to a loopback address; use https")
	}
	return nil
}
