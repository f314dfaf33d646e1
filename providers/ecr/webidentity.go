package ecr

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/regcred/regcred/providers"
)

// podRole is the role a kubelet request's service account names through
// roleArnAnnotation, with the account's token to assume it with.
type podRole struct {
	arn   string
	token providers.Secret
	// idToken is set when the token is the entry's identity token
	// (idToken), not the pod's from roleArnAnnotation.
	idToken *providers.IdentityToken
}

// podRole reads the role ARN from the request's service-account
// annotation; ok is false when the entry does not use roleArnAnnotation.
func (p *Provider) podRole(t target, req providers.Request) (r podRole, ok bool, err error) {
	key := p.cfg.RoleARNAnnotation
	if key == "" {
		return podRole{}, false, nil
	}
	if req.ServiceAccount == nil || strings.TrimSpace(req.ServiceAccount.Token.Reveal()) == "" {
		return podRole{}, true, fmt.Errorf("ecr: %s: roleArnAnnotation %q is set but the request carries no service-account token "+
			"(only the kubelet passes one, when its CredentialProviderConfig sets tokenAttributes): %w", t.host, key, providers.ErrNoIdentity)
	}
	arn := req.ServiceAccount.Annotations[key]
	if arn == "" {
		return podRole{}, true, fmt.Errorf("ecr: %s: the pod's service account has no annotation %q (roleArnAnnotation) naming the IAM role to pull as: %w",
			t.host, key, providers.ErrNoIdentity)
	}
	if !IsRoleARN(arn) {
		return podRole{}, true, fmt.Errorf("ecr: %s: service-account annotation %q: %q is not an IAM role ARN (arn:aws:iam::123456789012:role/name): %w",
			t.host, key, arn, providers.ErrInvalid)
	}
	return podRole{arn: arn, token: req.ServiceAccount.Token}, true, nil
}

// flightKey separates concurrent calls of different pods: a hash, so the
// token never sits in a map key in clear.
func (r podRole) flightKey() string {
	sum := sha256.Sum256([]byte(r.token.Reveal() + "\x00" + r.arn))
	return "|sa:" + hex.EncodeToString(sum[:])
}

// saToken hands the service-account token to the SDK's web identity provider.
type saToken struct{ token providers.Secret }

func (s saToken) GetIdentityToken() ([]byte, error) {
	return []byte(strings.TrimSpace(s.token.Reveal())), nil
}

// withPodRole returns a copy of s whose credentials come from
// AssumeRoleWithWebIdentity with the pod's token. The copy lives for one
// request only, so one pod's credentials never serve another.
func (p *Provider) withPodRole(s *session, r podRole) *session {
	client := sts.NewFromConfig(s.aws, func(o *sts.Options) {
		o.HTTPClient = s.http
	})
	name := p.cfg.RoleSessionName
	if name == "" {
		name = "regcred"
	}
	creds := aws.NewCredentialsCache(stscreds.NewWebIdentityRoleProvider(client, r.arn, saToken{r.token}, func(o *stscreds.WebIdentityRoleOptions) {
		o.RoleSessionName = name
	}))
	c := *s
	c.base, c.creds = creds, creds
	return &c
}

// resolvePodRole assumes the pod's role and names it for the logs.
func (p *Provider) resolvePodRole(ctx context.Context, t target, s *session, r podRole) (string, error) {
	if _, err := s.creds.Retrieve(ctx); err != nil {
		if r.idToken != nil {
			return "", p.idTokenError(ctx, t, r, err)
		}
		return "", p.webIdentityError(ctx, t, r, err)
	}
	if r.idToken != nil {
		return "AssumeRoleWithWebIdentity " + r.arn + " (identity token from " + r.idToken.From + ")", nil
	}
	return "AssumeRoleWithWebIdentity " + r.arn + " (service account, annotation " + p.cfg.RoleARNAnnotation + ")", nil
}

func (p *Provider) webIdentityError(ctx context.Context, t target, r podRole, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("ecr: %s: assuming role %s with the service-account token did not finish: %w: %w", t.host, r.arn, providers.ErrUnavailable, ctx.Err())
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		kind := providers.ErrDenied
		if isThrottle(api.ErrorCode()) || api.ErrorFault() == smithy.FaultServer || api.ErrorCode() == "IDPCommunicationError" {
			kind = providers.ErrUnavailable
		}
		return fmt.Errorf("ecr: %s: could not assume role %s (from annotation %q) with the pod's service-account token (%s: %s); "+
			"the role's trust policy must allow sts:AssumeRoleWithWebIdentity for the cluster's OIDC issuer and this service account: %w",
			t.host, r.arn, p.cfg.RoleARNAnnotation, api.ErrorCode(), api.ErrorMessage(), kind)
	}
	return fmt.Errorf("ecr: %s: could not assume role %s with the service-account token: %v: %w", t.host, r.arn, redact(err.Error(), r.token), providers.ErrUnavailable)
}

// redact withholds an SDK message that holds the token, in case one ever
// echoes it.
func redact(msg string, token providers.Secret) string {
	return providers.WithholdQuoted(msg, strings.TrimSpace(token.Reveal()))
}
