package ecr

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/lazyregexp"
)

// resolveIdentity fetches the credentials that will sign the ECR call, so
// that "no identity", "SSO session expired" and "cannot assume the role"
// are told apart from ECR's own answers. It returns the SDK's name for the
// source the credentials came from (for logs and messages).
func (p *Provider) resolveIdentity(ctx context.Context, t target, s *session) (string, error) {
	if s.base == nil {
		return "", p.noIdentity(t, s, nil)
	}
	creds, err := s.base.Retrieve(ctx)
	if err != nil {
		return "", p.identityError(ctx, t, s, err)
	}
	source := creds.Source
	if p.cfg.RoleARN == "" {
		return source, nil
	}
	if _, err := s.creds.Retrieve(ctx); err != nil {
		return "", p.assumeRoleError(t, source, err)
	}
	return "AssumeRole " + p.cfg.RoleARN + " via " + source, nil
}

// identityError explains why the default credential chain found nothing.
func (p *Provider) identityError(ctx context.Context, t target, s *session, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("ecr: %s: looking up AWS credentials: %w: %w", t.host, providers.ErrUnavailable, ctx.Err())
	}
	var invalid *ssocreds.InvalidTokenError
	if errors.As(err, &invalid) || usesSSO(s.shared) {
		profile := p.profileName(s)
		return fmt.Errorf("ecr: %s: the AWS SSO session of profile %q has expired or was never started: run `aws sso login --profile %s` (%v): %w",
			t.host, profile, profile, err, providers.ErrNoIdentity)
	}
	sources := p.configuredSources(s)
	if len(sources) == 0 {
		p.deps.Logger.Debug("ecr: default credential chain found nothing", "registry", t.host, "error", err)
		if err := imdsFailure(t, err); err != nil {
			return err
		}
		return p.noIdentity(t, s, err)
	}
	from := strings.Join(sources, ", ")
	var api smithy.APIError
	if errors.As(err, &api) {
		kind := providers.ErrDenied
		if isThrottle(api.ErrorCode()) || api.ErrorFault() == smithy.FaultServer {
			kind = providers.ErrUnavailable
		}
		return fmt.Errorf("ecr: %s: AWS refused the credentials from %s (%s): %v: %w", t.host, from, api.ErrorCode(), err, kind)
	}
	return fmt.Errorf("ecr: %s: could not load AWS credentials from %s: %v: %w", t.host, from, err, providers.ErrNoIdentity)
}

// imdsFailure is the chain's error when its last step, IMDS, found the
// instance's identity and could not hand it over: never remembered as no
// identity here. nil when IMDS found none, or did not answer.
func imdsFailure(t target, err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		// IMDS lists an instance profile but answers its credentials with
		// a code instead of keys: AssumeRoleUnauthorizedAccess when the
		// role does not trust EC2.
		return fmt.Errorf("ecr: %s: EC2 instance metadata (IMDS) has an instance profile but no credentials for it (%s: %s); "+
			"the profile's role must trust ec2.amazonaws.com (sts:AssumeRole in its trust policy): %w",
			t.host, api.ErrorCode(), strings.Join(strings.Fields(api.ErrorMessage()), " "), providers.ErrDenied)
	}
	if status := imdsStatus(err); status == http.StatusTooManyRequests || status >= 500 {
		// A throttled or failing IMDS has an identity it cannot hand
		// over now: an outage.
		return fmt.Errorf("ecr: %s: the EC2 instance metadata service (IMDS) answered HTTP %d to the credential chain; try again later: %w",
			t.host, status, providers.ErrUnavailable)
	}
	return nil
}

// noIdentity is the "nothing configured" error: it lists what was tried
// and how to provide an identity; err is the chain's, nil when it did not
// run. It is marked providers.Absent: the cache remembers it for a while.
func (p *Provider) noIdentity(t target, s *session, err error) error {
	imds := imdsFinding(err)
	if v, _ := p.deps.LookupEnv("AWS_EC2_METADATA_DISABLED"); strings.EqualFold(v, "true") {
		imds = "EC2 instance metadata (IMDS): disabled by AWS_EC2_METADATA_DISABLED"
	}
	hint := ""
	if p.envSet("AWS_ACCESS_KEY_ID") && !p.envSet("AWS_SECRET_ACCESS_KEY") {
		hint = " AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not."
	}
	return providers.Absent(fmt.Errorf("ecr: %s: no AWS credentials found; tried: environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), "+
		"shared config and credentials files (profile %q), web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), "+
		"container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI, EKS Pod Identity), %s.%s "+
		"Provide one of them, set `profile:` on the entry, or run `aws configure` / `aws sso login`: %w",
		t.host, p.profileName(s), imds, hint, providers.ErrNoIdentity))
}

// imdsFinding says what the chain's last step, the EC2 instance metadata
// service, answered. 404 for the role list is an instance without an
// instance profile — or another cloud's metadata server at the same
// address, which the answer cannot tell apart; 401 to a request without a
// session token is IMDSv2 required and the session's PUT unanswered, as in
// a container behind a hop limit of 1. No answer at all: not on EC2.
func imdsFinding(err error) string {
	switch status := imdsStatus(err); status {
	case 0:
		return "EC2 instance metadata (IMDS): not reachable (not on EC2?)"
	case http.StatusNotFound:
		return "EC2 instance metadata (IMDS): no IAM role here (an EC2 instance without an instance profile: attach one with aws ec2 associate-iam-instance-profile; or not EC2)"
	case http.StatusUnauthorized:
		return "EC2 instance metadata (IMDS): it requires IMDSv2, and no session token could be had; " +
			"in a container, raise the instance's hop limit to 2 (aws ec2 modify-instance-metadata-options --http-put-response-hop-limit 2)"
	default:
		return fmt.Sprintf("EC2 instance metadata (IMDS): the metadata address answered HTTP %d, not as EC2's (not on EC2?)", status)
	}
}

// imdsStatusRE finds the status in the text of the IMDS client's error:
// its 401 comes wrapped in an error that does not unwrap.
var imdsStatusRE = lazyregexp.New(`http response error StatusCode: (\d{3}), request to EC2 IMDS failed`)

// imdsStatus is the HTTP status IMDS answered, 0 when it did not answer.
func imdsStatus(err error) int {
	var re interface{ HTTPStatusCode() int } // smithy-go's
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	if err == nil {
		return 0
	}
	if m := imdsStatusRE().FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// assumeRoleError explains a failed sts:AssumeRole for roleArn.
func (p *Provider) assumeRoleError(t target, source string, err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		kind := providers.ErrDenied
		if isThrottle(api.ErrorCode()) || api.ErrorFault() == smithy.FaultServer {
			kind = providers.ErrUnavailable
		}
		return fmt.Errorf("ecr: %s: could not assume role %s with the credentials from %s (%s: %s); the role's trust policy must allow sts:AssumeRole for that identity%s: %w",
			t.host, p.cfg.RoleARN, source, api.ErrorCode(), api.ErrorMessage(), externalIDHint(p.cfg.ExternalID), kind)
	}
	return fmt.Errorf("ecr: %s: could not assume role %s: %v: %w", t.host, p.cfg.RoleARN, err, providers.ErrUnavailable)
}

func externalIDHint(id string) string {
	if id == "" {
		return " (and it may require an externalId)"
	}
	return " with the configured externalId"
}

// configuredSources describes the credential sources other than the
// instance-metadata fallback that are set up, judged from the environment
// and the loaded profile.
func (p *Provider) configuredSources(s *session) []string {
	var out []string
	if p.envSet("AWS_ACCESS_KEY_ID") && p.envSet("AWS_SECRET_ACCESS_KEY") {
		out = append(out, "environment keys (AWS_ACCESS_KEY_ID)")
	}
	if p.envSet("AWS_WEB_IDENTITY_TOKEN_FILE") {
		out = append(out, "web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)")
	}
	if p.envSet("AWS_CONTAINER_CREDENTIALS_FULL_URI") || p.envSet("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
		out = append(out, "container endpoint (AWS_CONTAINER_CREDENTIALS_*)")
	}
	if profileHasCredentials(s.shared) {
		out = append(out, fmt.Sprintf("profile %q", p.profileName(s)))
	}
	return out
}

func (p *Provider) envSet(key string) bool {
	v, ok := p.deps.LookupEnv(key)
	return ok && v != ""
}

func profileHasCredentials(sc *config.SharedConfig) bool {
	if sc == nil {
		return false
	}
	return sc.Credentials.HasKeys() || sc.RoleARN != "" || sc.CredentialProcess != "" ||
		sc.WebIdentityTokenFile != "" || sc.CredentialSource != "" || usesSSO(sc)
}

// usesSSO reports whether the profile, or a profile it sources, logs in
// through IAM Identity Center (SSO).
func usesSSO(sc *config.SharedConfig) bool {
	for depth := 0; sc != nil && depth < 10; depth++ {
		if sc.SSOSessionName != "" || sc.SSOStartURL != "" {
			return true
		}
		sc = sc.Source
	}
	return false
}

// profileName is the profile the SDK used, for messages.
func (p *Provider) profileName(s *session) string {
	if s != nil && s.shared != nil && s.shared.Profile != "" {
		return s.shared.Profile
	}
	if p.cfg.Profile != "" {
		return p.cfg.Profile
	}
	if p.envSet("AWS_PROFILE") {
		v, _ := p.deps.LookupEnv("AWS_PROFILE")
		return v
	}
	return "default"
}

// configError explains a failure to load the SDK configuration (a missing
// profile, a malformed config file).
func (p *Provider) configError(t target, err error) error {
	var missing config.SharedConfigProfileNotExistError
	if errors.As(err, &missing) {
		files := ""
		if len(missing.Filename) > 0 {
			files = " (" + strings.Join(missing.Filename, ", ") + ")"
		}
		return fmt.Errorf("ecr: %s: AWS profile %q is not in the shared config or credentials files%s: check `profile:` / AWS_PROFILE, AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE: %w",
			t.host, missing.Profile, files, providers.ErrNoIdentity)
	}
	return fmt.Errorf("ecr: %s: loading the AWS configuration: %v: %w", t.host, err, providers.ErrInvalid)
}
