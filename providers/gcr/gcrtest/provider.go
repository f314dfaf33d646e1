package gcrtest

import "strings"

// PoolProvider is a workload identity pool provider of type OIDC: the
// issuer it trusts (whose discovery document and JWKS STS fetches), the
// audience it allows, and an optional attribute condition on the subject.
// STS's `audience` parameter names it by Provider.
type PoolProvider struct {
	// Issuer is the trusted issuer URL, the `iss` of the tokens it takes.
	Issuer string
	// Provider is the provider's resource name, STS's `audience`.
	Provider string
	// TokenAudience is the provider's allowed audience, the `aud` a token
	// must carry: by default the provider's name as an https URL, as
	// Google sets it when no allowed audiences are configured.
	TokenAudience string
	// pool is the pool's resource name, the prefix of its principals.
	pool string
	// subject, when set, is the attribute condition
	// `assertion.sub == subject`.
	subject string
}

// TrustIssuer registers a pool provider in pool that trusts issuer (a
// CI's, say) and, when subject is set, only its tokens for that subject
// (an attribute condition on google.subject).
func (s *Server) TrustIssuer(issuer, pool, subject string) *PoolProvider {
	p := newPoolProvider(issuer, pool)
	p.subject = subject
	s.mu.Lock()
	defer s.mu.Unlock()
	s.providers[p.Provider] = p
	return p
}

func newPoolProvider(issuer, pool string) *PoolProvider {
	p := &PoolProvider{Issuer: issuer, pool: "//iam.googleapis.com/projects/" + randomDigits(12) + "/locations/global/workloadIdentityPools/" + pool}
	p.Provider = p.pool + "/providers/" + pool + "-oidc"
	p.TokenAudience = "https:" + p.Provider
	return p
}

// PrincipalOf is the federated identity of a token's subject, as IAM
// bindings name it (principal://…/subject/<sub>).
func (p *PoolProvider) PrincipalOf(subject string) string {
	return "principal:" + strings.TrimPrefix(p.pool, "/") + "/subject/" + subject
}
