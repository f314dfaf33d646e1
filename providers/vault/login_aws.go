package vault

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/regcred/regcred/providers"
)

const (
	// stsBody is the GetCallerIdentity call Vault replays to STS.
	stsBody = "Action=GetCallerIdentity&Version=2011-06-15"
	// iamServerIDHeader binds a signed request to one Vault server, so it
	// cannot be replayed against another.
	iamServerIDHeader = "X-Vault-AWS-IAM-Server-ID"
	defaultSTSRegion  = "us-east-1"
)

// awsLoginBody builds the aws method's iam login: a GetCallerIdentity
// request signed with SigV4, which Vault sends to STS to learn who signed
// it. The fields are those of Vault's API (auth/aws/login).
func (p *Provider) awsLoginBody(ctx context.Context) (loginRequest, error) {
	creds, err := p.awsCredentials(ctx)
	if err != nil {
		return loginRequest{}, err
	}
	endpoint, region := stsEndpoint(p.cfg.Auth.Region)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(stsBody))
	if err != nil {
		return loginRequest{}, fmt.Errorf("%w: STS request: %v", providers.ErrInvalid, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if v := p.cfg.Auth.HeaderValue; v != "" {
		req.Header.Set(iamServerIDHeader, v)
	}
	sum := sha256.Sum256([]byte(stsBody))
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "sts", region, p.deps.Now()); err != nil {
		return loginRequest{}, fmt.Errorf("%w: signing the STS request for the aws login: %v", providers.ErrInvalid, err)
	}
	headers := req.Header.Clone()
	headers.Set("Content-Length", strconv.Itoa(len(stsBody)))
	headerJSON, err := json.Marshal(headers)
	if err != nil {
		return loginRequest{}, fmt.Errorf("%w: encoding the STS request headers: %v", providers.ErrInvalid, err)
	}
	b64 := base64.StdEncoding.EncodeToString
	body := map[string]any{
		"iam_http_request_method": http.MethodPost,
		"iam_request_url":         b64([]byte(endpoint)),
		"iam_request_body":        b64([]byte(stsBody)),
		"iam_request_headers":     b64(headerJSON),
	}
	if p.cfg.Auth.Role != "" {
		body["role"] = p.cfg.Auth.Role
	}
	sum = sha256.Sum256([]byte(creds.AccessKeyID + "\x00" + creds.SessionToken))
	presents := fmt.Appendf(nil, "aws %q %q %q %x", p.cfg.Auth.Role, region, p.cfg.Auth.HeaderValue, sum)
	return loginRequest{body: body, secrets: []string{creds.SecretAccessKey, creds.SessionToken}, presents: presents}, nil
}

// stsEndpoint is the STS URL and signing region. Without a region it is
// the global endpoint signed for us-east-1, which is what a Vault server
// with default settings (sts_endpoint, sts_region unset) expects, and what
// `vault login -method=aws` sends.
func stsEndpoint(region string) (endpoint, signingRegion string) {
	switch {
	case region == "":
		return "https://sts.amazonaws.com/", defaultSTSRegion
	case strings.HasPrefix(region, "cn-"):
		return "https://sts." + region + ".amazonaws.com.cn/", region
	default:
		return "https://sts." + region + ".amazonaws.com/", region
	}
}

// sdkAWSCredentials resolves the AWS identity with the SDK's default chain
// (environment, shared files and profiles, SSO, web identity, ECS, IMDS).
// Keys and the profile named in the injected environment take precedence,
// so the process environment never overrides what the caller passed in.
func (p *Provider) sdkAWSCredentials(ctx context.Context) (aws.Credentials, error) {
	env := p.deps.Getenv
	// The SDK keeps its own HTTP client: it honours AWS_CA_BUNDLE, which
	// an injected *http.Client cannot take.
	var opts []func(*config.LoadOptions) error
	if id, secret := env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"); id != "" && secret != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(id, secret, env("AWS_SESSION_TOKEN"))))
	} else if profile := env("AWS_PROFILE"); profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	if env("AWS_REGION") == "" && env("AWS_DEFAULT_REGION") == "" {
		// Web-identity and SSO providers call STS and need some region.
		_, region := stsEndpoint(p.cfg.Auth.Region)
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Credentials{}, fmt.Errorf("%w: AWS configuration for the Vault aws login: %v", providers.ErrNoIdentity, err)
	}
	if cfg.Credentials == nil {
		return aws.Credentials{}, fmt.Errorf("%w: no AWS credentials for the Vault aws login", providers.ErrNoIdentity)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return aws.Credentials{}, fmt.Errorf("%w: no AWS credentials for the Vault aws login: %v", providers.ErrNoIdentity, err)
	}
	return creds, nil
}
