package ocivault

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/oracle/oci-go-sdk/v65/secrets"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
	"github.com/regcred/regcred/providers/oci/ociauth"
	"github.com/regcred/regcred/providers/oci/ocisdk"
)

// Provider reads one OCI Vault secret. It is safe for concurrent use.
type Provider struct {
	cfg Config
	svc ocisdk.Service

	mu     sync.Mutex
	client *secrets.SecretsClient // built on first use, kept once it works
}

// New checks the settings and returns the provider. It reads no file,
// resolves no identity and touches no network: all of that happens on the
// first Credential call.
func New(cfg Config, deps netdeps.Deps) (*Provider, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Provider{cfg: cfg, svc: ocisdk.NewService("ocivault", cfg.Endpoint, deps)}, nil
}

// Credential fetches the secret bundle and decodes the username and
// password in it. The credential expires with the version's TimeOfExpiry.
func (p *Provider) Credential(ctx context.Context, req providers.Request) (providers.Credential, error) {
	ocisdk.Silence()
	ctx, cancel := ocisdk.Bound(ctx)
	defer cancel()
	what := describe(p.cfg)
	client, err := p.secretsClient(ctx, req)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("ocivault: %s: %w", what, err)
	}
	bundle, err := p.fetch(ctx, client)
	if err != nil {
		return providers.Credential{}, ocisdk.Classify("ocivault: "+what, err)
	}
	cred, err := credential(what, bundle, p.svc.Deps.Now())
	if err != nil {
		return providers.Credential{}, err
	}
	p.svc.Deps.Logger.Debug("ocivault: read secret", "from", what, "username", cred.Username, "expires", cred.ExpiresAt)
	return cred, nil
}

// fetch asks for the bundle by OCID or by name, at the configured stage
// (CURRENT unless told) or version.
func (p *Provider) fetch(ctx context.Context, c *secrets.SecretsClient) (secrets.SecretBundle, error) {
	var version *int64
	stage := "CURRENT"
	if p.cfg.VersionNumber > 0 {
		v := p.cfg.VersionNumber
		version, stage = &v, ""
	} else if p.cfg.Stage != "" {
		stage = strings.ToUpper(p.cfg.Stage)
	}
	if p.cfg.SecretID != "" {
		resp, err := c.GetSecretBundle(ctx, secrets.GetSecretBundleRequest{
			SecretId:      &p.cfg.SecretID,
			VersionNumber: version,
			Stage:         secrets.GetSecretBundleStageEnum(stage),
		})
		return resp.SecretBundle, err
	}
	resp, err := c.GetSecretBundleByName(ctx, secrets.GetSecretBundleByNameRequest{
		SecretName:    &p.cfg.SecretName,
		VaultId:       &p.cfg.VaultID,
		VersionNumber: version,
		Stage:         secrets.GetSecretBundleByNameStageEnum(stage),
	})
	return resp.SecretBundle, err
}

// secretsClient returns the kept client, or builds one. A client built for
// a kubelet-supplied service-account token serves that request only.
func (p *Provider) secretsClient(ctx context.Context, req providers.Request) (*secrets.SecretsClient, error) {
	if sa := req.ServiceAccount; sa != nil && p.cfg.Settings().Method() == ociauth.AuthOKEWorkloadIdentity {
		return p.newClient(ctx, sa.Token.Reveal())
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client != nil {
		return p.client, nil
	}
	c, err := p.newClient(ctx, "")
	if err != nil {
		return nil, err
	}
	p.client = c
	return c, nil
}

func (p *Provider) newClient(ctx context.Context, saToken string) (*secrets.SecretsClient, error) {
	id := p.svc.Identity(p.cfg.Settings())
	id.ServiceAccountToken = saToken
	cp, err := id.Provider(ctx)
	if err != nil {
		return nil, err
	}
	c, err := secrets.NewSecretsClientWithConfigurationProvider(cp)
	if err != nil {
		msg, _, _ := strings.Cut(err.Error(), "\n")
		return nil, fmt.Errorf("%w: %s (set region in the entry or the profile)", providers.ErrNoIdentity, msg)
	}
	p.svc.Tune(&c.BaseClient)
	return &c, nil
}
