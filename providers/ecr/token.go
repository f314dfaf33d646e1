package ecr

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecrpublic"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ecr/ecrlean"
)

// tokenLifetime is what ECR documents; used only when an answer lacks expiresAt.
const tokenLifetime = 12 * time.Hour

// token is one GetAuthorizationToken answer, still encoded.
type token struct {
	encoded       string
	expiresAt     *time.Time
	proxyEndpoint string // private ECR only
	url           string // where the request went (private ECR only)
}

// requestToken calls ECR (or ECR Public) GetAuthorizationToken.
func (p *Provider) requestToken(ctx context.Context, t target, region string, s *session) (token, error) {
	if t.public {
		return p.requestPublic(ctx, t, s)
	}
	sent := &urlRecorder{client: s.http}
	client := ecr.NewFromConfig(s.aws, func(o *ecr.Options) {
		o.Region = region
		o.Credentials = s.creds
		o.HTTPClient = sent
		o.Retryer, o.RetryMaxAttempts = p.retryer(), 0
		o.BaseEndpoint = p.baseEndpoint(o.BaseEndpoint)
		o.EndpointOptions.UseFIPSEndpoint, o.EndpointOptions.UseDualStackEndpoint = p.endpointFlags(t, o.BaseEndpoint)
	})
	// No RegistryIds: the field is deprecated and the token works for every
	// registry the principal may access anyway.
	out, err := client.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		return token{}, err
	}
	if len(out.AuthorizationData) == 0 {
		return token{}, fmt.Errorf("ecr: %s: GetAuthorizationToken answered no authorization data: %w", t.host, providers.ErrInvalid)
	}
	d := out.AuthorizationData[0]
	return token{encoded: aws.ToString(d.AuthorizationToken), expiresAt: d.ExpiresAt, proxyEndpoint: aws.ToString(d.ProxyEndpoint), url: sent.URL()}, nil
}

// requestPublic calls ECR Public, which only serves us-east-1.
func (p *Provider) requestPublic(ctx context.Context, t target, s *session) (token, error) {
	client := ecrpublic.NewFromConfig(s.aws, func(o *ecrpublic.Options) {
		o.Region = publicRegion
		o.Credentials = s.creds
		o.HTTPClient = s.http
		o.Retryer, o.RetryMaxAttempts = p.retryer(), 0
		o.BaseEndpoint = p.baseEndpoint(o.BaseEndpoint)
		o.EndpointOptions.UseFIPSEndpoint, o.EndpointOptions.UseDualStackEndpoint = p.endpointFlags(t, o.BaseEndpoint)
	})
	out, err := client.GetAuthorizationToken(ctx, &ecrpublic.GetAuthorizationTokenInput{})
	if err != nil {
		return token{}, err
	}
	if out.AuthorizationData == nil {
		return token{}, fmt.Errorf("ecr: %s: ECR Public GetAuthorizationToken answered no authorization data: %w", t.host, providers.ErrInvalid)
	}
	d := out.AuthorizationData
	return token{encoded: aws.ToString(d.AuthorizationToken), expiresAt: d.ExpiresAt}, nil
}

// baseEndpoint applies the entry's endpoint override over whatever the SDK
// found (AWS_ENDPOINT_URL_ECR and friends).
func (p *Provider) baseEndpoint(fromSDK *string) *string {
	if p.cfg.Endpoint != "" {
		return aws.String(p.cfg.Endpoint)
	}
	return fromSDK
}

// endpointFlags picks FIPS and dual-stack API endpoints to go with a FIPS or
// dual-stack registry host (or the entry's settings). A custom endpoint
// takes neither: the SDK refuses the combination.
func (p *Provider) endpointFlags(t target, base *string) (aws.FIPSEndpointState, aws.DualStackEndpointState) {
	if base != nil {
		return aws.FIPSEndpointStateDisabled, aws.DualStackEndpointStateDisabled
	}
	fips, dual := aws.FIPSEndpointStateUnset, aws.DualStackEndpointStateUnset
	if t.fips || p.cfg.FIPS {
		fips = aws.FIPSEndpointStateEnabled
	}
	if t.dualStack || p.cfg.DualStack {
		dual = aws.DualStackEndpointStateEnabled
	}
	return fips, dual
}

// credential decodes base64("AWS:<password>") and checks the answer fits
// the registry it is for.
func (p *Provider) credential(t target, region string, tok token) (providers.Credential, error) {
	user, pass, err := ecrlean.SplitToken(tok.encoded)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("ecr: %s: %w: %w", t.host, err, providers.ErrInvalid)
	}
	if err := checkProxyEndpoint(t, region, tok.proxyEndpoint); err != nil {
		return providers.Credential{}, err
	}
	expires := p.deps.Now().Add(tokenLifetime)
	if tok.expiresAt != nil {
		expires = *tok.expiresAt
	}
	if !expires.After(p.deps.Now()) {
		return providers.Credential{}, fmt.Errorf("ecr: %s: ECR answered a token that expired at %s (is the clock right?): %w", t.host, expires.UTC().Format(time.RFC3339), providers.ErrInvalid)
	}
	return providers.Credential{Username: user, Secret: providers.Secret(pass), ExpiresAt: expires}, nil
}

// checkProxyEndpoint catches a token minted for another region (a `region`
// override that does not fit the host): the registry would reject it.
func checkProxyEndpoint(t target, region, proxy string) error {
	if t.public || proxy == "" {
		return nil
	}
	pt, err := parseHost(strings.TrimPrefix(strings.TrimPrefix(proxy, "https://"), "http://"))
	if err != nil || pt.region == t.region {
		return nil
	}
	return fmt.Errorf("ecr: %s: ECR in region %s issued a token for registries in region %s, but this registry is in %s: remove or fix the entry's `region`: %w",
		t.host, region, pt.region, t.region, providers.ErrInvalid)
}
