package vault

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// defaultTimeout bounds one request when the config sets no timeout: long
// enough for a login across a WAN, short enough that a dead Vault costs
// seconds.
const defaultTimeout = 10 * time.Second

// Provider reads one credential from Vault. It is safe for concurrent use;
// the login token and the detected KV mount are kept for its lifetime.
type Provider struct {
	cfg     Config
	deps    netdeps.Deps
	ttl     time.Duration
	timeout time.Duration
	// awsCredentials resolves the identity the AWS login signs with.
	awsCredentials func(context.Context) (aws.Credentials, error)

	mu     sync.Mutex
	client *client
	logins map[string]login
	kvLoc  *kvLocation
	// loginMu serialises logins so concurrent calls share one.
	loginMu sync.Mutex
}

// New checks cfg and returns the provider. It does no I/O: the address,
// TLS files, tokens and AWS credentials are read when a credential is asked for.
func New(cfg Config, deps netdeps.Deps) (*Provider, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &Provider{cfg: cfg, deps: deps.WithDefaults(), timeout: defaultTimeout, logins: map[string]login{}}
	if cfg.TTL != "" {
		p.ttl, _ = time.ParseDuration(cfg.TTL) // Validate checked it
	}
	if cfg.Timeout != "" {
		p.timeout, _ = time.ParseDuration(cfg.Timeout)
	}
	p.awsCredentials = p.sdkAWSCredentials
	return p, nil
}

// Credential implements providers.Provider.
func (p *Provider) Credential(ctx context.Context, req providers.Request) (providers.Credential, error) {
	c, err := p.vaultClient()
	if err != nil {
		return providers.Credential{}, err
	}
	tok, err := p.token(ctx, c, req)
	if err != nil {
		return providers.Credential{}, err
	}
	cred, err := p.read(ctx, c, tok)
	if errors.Is(err, errInvalidToken) && tok.reused {
		// The token was revoked or its TTL cut short since it was cached.
		p.deps.Logger.Debug("vault: cached login token refused; logging in again", "address", c.address)
		p.forget(ctx, tok)
		if tok, err = p.token(ctx, c, req); err == nil {
			cred, err = p.read(ctx, c, tok)
		}
	}
	if errors.Is(err, errInvalidToken) && tok.login != nil {
		p.forget(ctx, tok)
	}
	return cred, err
}

// read fetches the secret with tok and settles what a 403 means.
func (p *Provider) read(ctx context.Context, c *client, tok vaultToken) (providers.Credential, error) {
	cred, err := p.fetch(ctx, c, tok.value)
	if err != nil {
		err = p.classifyDenied(ctx, c, tok.value, p.tokenHint(), err)
	}
	return cred, err
}

// tokenHint is the advice an invalid-token message gives.
func (p *Provider) tokenHint() string {
	if p.cfg.Method() == MethodToken {
		return staticTokenHint
	}
	return "it came from the " + p.cfg.Method() + " login at auth/" + p.cfg.AuthMount() + "; the next request logs in again"
}

// fetch reads the secret with token from the configured engine.
func (p *Provider) fetch(ctx context.Context, c *client, token string) (providers.Credential, error) {
	if p.cfg.SecretsEngine() == EngineGCP {
		return p.gcpCredential(ctx, c, token)
	}
	return p.kvCredential(ctx, c, token)
}

// expiry combines Vault's lifetime with the configured ttl: the ttl is
// the fallback when Vault gives none, and the cap when Vault's is longer.
func (p *Provider) expiry(vault time.Time) time.Time {
	if p.ttl <= 0 {
		return vault
	}
	limit := p.deps.Now().Add(p.ttl)
	if vault.IsZero() || limit.Before(vault) {
		return limit
	}
	return vault
}
