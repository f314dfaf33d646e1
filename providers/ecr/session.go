package ecr

import (
	"context"
	"fmt"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"
)

// session is the AWS configuration loaded for one region: the default
// credential chain (cached by the SDK) and, with roleArn, the assumed role
// on top of it.
type session struct {
	aws aws.Config
	// base is the ambient identity; creds is what signs the ECR call (base,
	// or the role assumed with it).
	base, creds aws.CredentialsProvider
	// shared is the shared-config profile the SDK loaded, if any.
	shared *config.SharedConfig
	// http sends every call (httpClient); caBundle is the AWS CA bundle
	// it trusts, "" for the system's roots.
	http     *http.Client
	caBundle string
}

// session loads the SDK configuration for region once per provider. It
// reads environment and files but makes no network call; credentials are
// fetched later, on first use.
//
// The SDK reads the process environment itself (os.Getenv), not
// providers.Deps.LookupEnv: AWS_PROFILE, AWS_REGION, AWS_ACCESS_KEY_ID,
// AWS_CONFIG_FILE and the rest are taken from the real environment.
func (p *Provider) session(ctx context.Context, region string) (*session, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.sessions[region]; ok {
		return s, nil
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(p.retryer),
		config.WithLogger(p.sdkLogger()),
		config.WithEC2RoleCredentialOptions(func(o *ec2rolecreds.Options) { o.Client = newIMDSClient() }),
	}
	if p.cfg.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(p.cfg.Profile))
	}
	if p.cfg.Region != "" {
		opts = append(opts, config.WithRegion(p.cfg.Region))
	} else {
		// Only when neither env nor profile names a region: STS (web
		// identity, assume role) needs one, and the registry's is apt.
		opts = append(opts, config.WithDefaultRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, err
	}
	s := &session{aws: cfg, base: cfg.Credentials, creds: cfg.Credentials, shared: sharedConfigOf(cfg)}
	if s.http, s.caBundle, err = p.httpClient(s.shared); err != nil {
		return nil, err
	}
	if p.cfg.RoleARN != "" && cfg.Credentials != nil {
		s.creds = aws.NewCredentialsCache(p.assumeRole(cfg, s.http))
	}
	p.sessions[region] = s
	return s, nil
}

// assumeRole builds the sts:AssumeRole provider for roleArn, signed by the
// ambient identity.
func (p *Provider) assumeRole(cfg aws.Config, hc *http.Client) aws.CredentialsProvider {
	client := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.HTTPClient = hc
	})
	name := p.cfg.RoleSessionName
	if name == "" {
		name = "regcred"
	}
	return stscreds.NewAssumeRoleProvider(client, p.cfg.RoleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = name
		if p.cfg.ExternalID != "" {
			o.ExternalID = aws.String(p.cfg.ExternalID)
		}
	})
}

// retryer bounds every SDK call: a few attempts, a short capped backoff.
// The SDK's retry sleep returns as soon as the context is done.
func (p *Provider) retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.MaxBackoff = p.maxBackoff
	})
}

// sdkLogger sends the SDK's own warnings to our logger at debug level. The
// SDK logs no request or response bodies unless ClientLogMode asks for
// them, which this package never sets.
func (p *Provider) sdkLogger() logging.Logger {
	return logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
		p.deps.Logger.Debug("aws sdk: "+fmt.Sprintf(format, v...), "class", string(c))
	})
}

// sharedConfigOf returns the profile the SDK loaded, if it loaded one.
func sharedConfigOf(cfg aws.Config) *config.SharedConfig {
	for _, src := range cfg.ConfigSources {
		if sc, ok := src.(config.SharedConfig); ok {
			return &sc
		}
	}
	return nil
}
