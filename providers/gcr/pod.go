package gcr

import (
	"context"
	"fmt"
	"strings"

	"github.com/regcred/regcred/providers"
)

// podLogin is what kubelet service-account mode logs in with: the pod's
// token, the pool provider it is exchanged at, and the service account the
// federated token impersonates ("" for none).
type podLogin struct {
	token    providers.Secret
	audience string
	from     string // where the audience came from, for messages
	target   string
}

// podLogin reads the pod's identity from the request: its token and, per
// the entry, its annotations. Every failure wraps ErrNoIdentity or
// ErrInvalid; none falls back to an identity of the node.
func (p *Provider) podLogin(req providers.Request) (podLogin, error) {
	sa := req.ServiceAccount
	if sa == nil || strings.TrimSpace(sa.Token.Reveal()) == "" {
		return podLogin{}, fmt.Errorf("%w: gcr: %s: this entry logs in with the pod's service-account token (workloadIdentityProvider) and the request carries none "+
			"(only the kubelet passes one, when its CredentialProviderConfig sets tokenAttributes)", providers.ErrNoIdentity, req.Registry)
	}
	l := podLogin{token: providers.Secret(strings.TrimSpace(sa.Token.Reveal())), audience: p.cfg.WorkloadIdentityProvider, from: "workloadIdentityProvider", target: p.cfg.ImpersonateServiceAccount}
	if key := p.cfg.WorkloadIdentityProviderAnnotation; key != "" && sa.Annotations[key] != "" {
		l.audience, l.from = sa.Annotations[key], "annotation "+key
		if !IsWorkloadIdentityProvider(l.audience) {
			return podLogin{}, fmt.Errorf("%w: gcr: %s: the pod's service-account annotation %s is not a workload identity pool provider "+
				"(//iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>)", providers.ErrInvalid, req.Registry, key)
		}
	}
	if l.audience == "" {
		return podLogin{}, fmt.Errorf("%w: gcr: %s: the pod's service account has no annotation %s (workloadIdentityProviderAnnotation) naming the workload identity pool provider, and the entry sets no workloadIdentityProvider",
			providers.ErrNoIdentity, req.Registry, p.cfg.WorkloadIdentityProviderAnnotation)
	}
	if key := p.cfg.ServiceAccountAnnotation; key != "" && sa.Annotations[key] != "" {
		l.target = sa.Annotations[key]
		if !validServiceAccount(l.target) {
			return podLogin{}, fmt.Errorf("%w: gcr: %s: the pod's service-account annotation %s is not a Google service-account e-mail (name@project.iam.gserviceaccount.com) or numeric id",
				providers.ErrInvalid, req.Registry, key)
		}
	}
	return l, nil
}

// podSource exchanges the pod's token at STS: the token source a
// kubelet request's credential comes from, before any impersonation.
func (p *Provider) podSource(ctx context.Context, l podLogin) source {
	return p.federatedSource(ctx, l.audience, l.token, l.target != "",
		"pod's service-account token exchanged at "+l.audience+" ("+l.from+")",
		"the pool provider must trust the cluster's issuer, and the kubelet's tokenAttributes.serviceAccountTokenAudience must be one of its allowed audiences")
}

// federatedSource exchanges an OIDC token (the pod's, or idToken's) at
// STS for the pool provider audience. fix says what to change when STS
// refuses the token.
func (p *Provider) federatedSource(ctx context.Context, audience string, token providers.Secret, impersonates bool, name, fix string) source {
	scopes := p.cfg.TokenScopes()
	if impersonates {
		scopes = []string{DefaultScope} // what generateAccessToken wants of its caller
	}
	return source{name: name, ts: stsExchange{ctx: ctx, client: p.deps.HTTPClient, url: p.stsURL + "/v1/token", audience: audience,
		subject: token, scopes: scopes, name: name, fix: fix, now: p.deps.Now}}
}
