package gcrtest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Cluster is a Kubernetes cluster as workload identity federation sees
// it: an OIDC issuer of service-account tokens (serving its discovery
// document and JWKS on 127.0.0.1, as a cluster's issuer does) and the
// workload identity pool provider that trusts it.
type Cluster struct {
	// PoolProvider is the provider trusting the cluster's issuer; its
	// Issuer is the cluster's issuer URL.
	*PoolProvider
	key    *rsa.PrivateKey
	kid    string
	server *Server
}

// NewCluster starts an issuer and registers its pool provider with s.
func (s *Server) NewCluster(t testing.TB, pool string) *Cluster {
	t.Helper()
	c := &Cluster{key: newKey(t), kid: randomHex(8), server: s}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c.PoolProvider = newPoolProvider(srv.URL, pool)
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"issuer": c.Issuer, "jwks_uri": c.Issuer + "/openid/v1/jwks",
			"id_token_signing_alg_values_supported": []string{"RS256"}, "response_types_supported": []string{"id_token"}})
	})
	mux.HandleFunc("/openid/v1/jwks", func(w http.ResponseWriter, _ *http.Request) {
		pub := c.key.PublicKey
		writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "alg": "RS256", "use": "sig", "kid": c.kid,
			"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		}}})
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	s.providers[c.Provider] = c.PoolProvider
	return c
}

// Principal is the federated identity of a pod's service account, as IAM
// bindings name it.
func (c *Cluster) Principal(namespace, name string) string {
	return c.PrincipalOf("system:serviceaccount:" + namespace + ":" + name)
}

// Token is the token the kubelet passes for a pod of namespace/name: signed
// by the issuer, for TokenAudience, valid ten minutes.
func (c *Cluster) Token(t testing.TB, namespace, name string) string {
	t.Helper()
	now := time.Now().Unix()
	return c.SignedToken(t, map[string]any{
		"iss": c.Issuer, "aud": []string{c.TokenAudience}, "sub": "system:serviceaccount:" + namespace + ":" + name,
		"iat": now, "nbf": now, "exp": now + 600,
		"kubernetes.io": map[string]any{"namespace": namespace, "serviceaccount": map[string]string{"name": name, "uid": randomHex(16)}},
	})
}

// SignedToken signs any claims with the issuer's key, for tokens that
// are wrong in one way.
func (c *Cluster) SignedToken(t testing.TB, claims map[string]any) string {
	t.Helper()
	return signJWT(t, c.key, c.kid, claims)
}

// Forged signs the claims with a key the issuer never published.
func (c *Cluster) Forged(t testing.TB, claims map[string]any) string {
	t.Helper()
	return signJWT(t, newKey(t), c.kid, claims)
}

func signJWT(t testing.TB, key *rsa.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	seg := func(v any) string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signed := seg(map[string]string{"alg": "RS256", "typ": "JWT", "kid": kid}) + "." + seg(claims)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	require.NoError(t, err)
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}
