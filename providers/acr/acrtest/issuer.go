package acrtest

import (
	"crypto/rand"
	"crypto/rsa"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"
)

// Issuer is an OIDC issuer Entra trusts for federation: a Kubernetes
// cluster's service-account issuer, say.
type Issuer struct {
	URL string
	key *rsa.PrivateKey
	e   *Entra
}

// NewIssuer makes an issuer Entra trusts (apps still need Federate).
func (e *Entra) NewIssuer(t testing.TB) *Issuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	i := &Issuer{URL: "https://oidc.example/" + rand.Text(), key: key, e: e}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.issuers[i.URL] = i
	return i
}

// Token is a service-account token for subject
// ("system:serviceaccount:<ns>:<name>"), for audience, valid for lifetime
// from the cloud's clock (negative: already expired).
func (i *Issuer) Token(t testing.TB, subject, audience string, lifetime time.Duration) string {
	t.Helper()
	now := i.e.cloud.clock()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": i.URL, "sub": subject, "aud": []string{audience},
		"iat": now.Unix(), "nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(lifetime).Unix(),
	}).SignedString(i.key)
	require.NoError(t, err)
	return tok
}
