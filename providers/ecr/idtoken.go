package ecr

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/smithy-go"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
)

// idTokenRole is the entry's roleArn with the workload's identity token
// (idToken): the resolver's, or one fetched now.
func (p *Provider) idTokenRole(ctx context.Context, t target, req providers.Request) (podRole, bool, error) {
	cfg, _ := p.cfg.IdentityToken()
	tok, err := idtoken.New(cfg, p.deps).For(ctx, req)
	if err != nil {
		return podRole{}, true, fmt.Errorf("ecr: %s: %w", t.host, err)
	}
	return podRole{arn: p.cfg.RoleARN, token: tok.Token, idToken: &tok}, true, nil
}

// idTokenError says why STS refused the identity token and what the
// role's trust must say.
func (p *Provider) idTokenError(ctx context.Context, t target, r podRole, err error) error {
	tok := r.idToken
	if ctx.Err() != nil {
		return fmt.Errorf("ecr: %s: assuming role %s with the identity token did not finish: %w: %w", t.host, r.arn, providers.ErrUnavailable, ctx.Err())
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return fmt.Errorf("ecr: %s: could not assume role %s with the identity token: %v: %w", t.host, r.arn, redact(err.Error(), r.token), providers.ErrUnavailable)
	}
	kind := providers.ErrDenied
	if isThrottle(api.ErrorCode()) || api.ErrorFault() == smithy.FaultServer || api.ErrorCode() == "IDPCommunicationError" {
		kind = providers.ErrUnavailable
	}
	return fmt.Errorf("ecr: %s: could not assume role %s with the identity token from %s (%s): %s: %s; "+
		"the account needs an IAM OIDC provider for issuer %q whose audience is the token's (idToken.audience, default %s), "+
		"and the role's trust policy must allow sts:AssumeRoleWithWebIdentity for it with a sub condition matching %q: %w",
		t.host, r.arn, tok.From, tok.Claims(), api.ErrorCode(), redact(api.ErrorMessage(), r.token), tok.Issuer, DefaultAudience, tok.Subject, kind)
}
