package acrtest

import (
	"testing"
	"time"

	"github.com/regcred/regcred/internal/oidctest"
)

// Issuer is an OIDC issuer Entra trusts for federation: a Kubernetes
// cluster's service-account issuer, say. It is an oidctest issuer on
// 127.0.0.1, publishing its discovery document and JWKS, which Entra
// fetches as the real one does; its clock is the cloud's.
type Issuer struct {
	*oidctest.Issuer
}

// NewIssuer starts an issuer (apps still need Federate to trust it).
func (e *Entra) NewIssuer(t testing.TB) *Issuer {
	t.Helper()
	iss := oidctest.New(t)
	iss.Now = e.cloud.clock
	return &Issuer{Issuer: iss}
}

// Token is a service-account token for subject
// ("system:serviceaccount:<ns>:<name>"), for audience, valid for lifetime
// from the cloud's clock (negative: already expired).
func (i *Issuer) Token(t testing.TB, subject, audience string, lifetime time.Duration) string {
	t.Helper()
	return i.Issuer.Token(subject, audience, lifetime)
}
