package ecr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/regcred/regcred/providers"
)

// apiError turns a failed GetAuthorizationToken into a message that says
// what to do, wrapping the providers error value that fits.
func (p *Provider) apiError(ctx context.Context, t target, region, source string, err error) error {
	if errors.Is(err, providers.ErrInvalid) { // already ours
		return err
	}
	service, action := "ECR", "ecr:GetAuthorizationToken"
	if t.public {
		service, action = "ECR Public", "ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken"
	}
	if ctx.Err() != nil {
		return fmt.Errorf("ecr: %s: %s GetAuthorizationToken in %s did not finish: %w: %w", t.host, service, region, providers.ErrUnavailable, ctx.Err())
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		return apiCodeError(t, service, action, region, source, api)
	}
	// The SDK has no error type for this; its message is stable across versions.
	if strings.Contains(err.Error(), "failed to resolve service endpoint") {
		return fmt.Errorf("ecr: %s: no %s API endpoint for region %q with these settings (fips/dualstack): %v: %w", t.host, service, region, err, providers.ErrInvalid)
	}
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return fmt.Errorf("ecr: %s: the %s API host %s does not exist: is region %q right (registry host or `region`)?: %w", t.host, service, dns.Name, region, providers.ErrInvalid)
	}
	return fmt.Errorf("ecr: %s: could not reach %s in %s: %v: %w", t.host, service, region, err, providers.ErrUnavailable)
}

func apiCodeError(t target, service, action, region, source string, api smithy.APIError) error {
	code, msg := api.ErrorCode(), api.ErrorMessage()
	switch {
	case code == "AccessDeniedException" || code == "AccessDenied":
		return fmt.Errorf("ecr: %s: AWS denied %s GetAuthorizationToken to the credentials from %s: their IAM policy must allow %s (%s): %w",
			t.host, service, source, action, msg, providers.ErrDenied)
	case isBadCredentials(code):
		return fmt.Errorf("ecr: %s: %s in %s rejected the credentials from %s (%s: %s): check that the access key and session token are current and belong to the partition of region %s: %w",
			t.host, service, region, source, code, msg, region, providers.ErrDenied)
	case isThrottle(code):
		return fmt.Errorf("ecr: %s: %s throttled GetAuthorizationToken in %s after %d attempts (%s; ECR allows about 20 per second per account and region): try again shortly: %w",
			t.host, service, region, maxAttempts, code, providers.ErrUnavailable)
	case api.ErrorFault() == smithy.FaultServer:
		return fmt.Errorf("ecr: %s: %s in %s failed after %d attempts (%s: %s): %w", t.host, service, region, maxAttempts, code, msg, providers.ErrUnavailable)
	}
	return fmt.Errorf("ecr: %s: %s GetAuthorizationToken in %s failed (%s: %s): %w", t.host, service, region, code, msg, providers.ErrDenied)
}

// isBadCredentials lists the codes AWS answers for keys it does not accept.
func isBadCredentials(code string) bool {
	switch code {
	case "UnrecognizedClientException", "InvalidSignatureException", "InvalidClientTokenId",
		"SignatureDoesNotMatch", "ExpiredTokenException", "ExpiredToken", "IncompleteSignature",
		"MissingAuthenticationTokenException", "MissingAuthenticationToken":
		return true
	}
	return false
}

// isThrottle lists the codes AWS answers when a caller goes too fast.
func isThrottle(code string) bool {
	switch code {
	case "ThrottlingException", "Throttling", "ThrottledException", "TooManyRequestsException",
		"RequestLimitExceeded", "LimitExceededException", "RequestThrottled":
		return true
	}
	return false
}
