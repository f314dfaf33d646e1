package oidctest

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
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// DefaultAudience is what the issuer puts in aud when none is asked for,
// as GitHub puts the repository owner's URL.
const DefaultAudience = "https://github.com/regcred-test"

// Issuer is a fake OIDC provider: a CI's token service.
type Issuer struct {
	URL string // the issuer, "http://127.0.0.1:port"; also the iss claim

	// Subject is the sub claim of the tokens the CI endpoints issue.
	Subject string
	// Now is the issuer's clock (time.Now when nil); TTL the tokens' life.
	Now func() time.Time
	TTL time.Duration

	key     *rsa.PrivateKey
	foreign *rsa.PrivateKey
	kid     string

	mu       sync.Mutex
	issued   []string // every token handed out, for leak scans
	reqToken string   // what a job is given to ask the CI endpoints
	asks     int
}

// New starts an issuer on 127.0.0.1, stopped with the test.
func New(t testing.TB) *Issuer {
	t.Helper()
	iss := &Issuer{Subject: "repo:regcred-test/app:ref:refs/heads/main", TTL: 5 * time.Minute,
		key: newKey(t), foreign: newKey(t), kid: "regcred-test-" + rand.Text()[:8]}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", iss.discovery)
	mux.HandleFunc("GET /.well-known/jwks", iss.jwks)
	iss.ciRoutes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	iss.URL = srv.URL
	return iss
}

func newKey(t testing.TB) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err, "oidctest: RSA key")
	return k
}

func (iss *Issuer) now() time.Time {
	if iss.Now != nil {
		return iss.Now()
	}
	return time.Now()
}

// Token signs a token for sub and aud, valid for ttl from now (negative:
// already expired).
func (iss *Issuer) Token(sub, aud string, ttl time.Duration) string {
	now := iss.now()
	return iss.Sign(map[string]any{"sub": sub, "aud": aud, "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(ttl).Unix()})
}

// Sign signs claims with the issuer's key; iss is filled in when absent.
func (iss *Issuer) Sign(claims map[string]any) string {
	return iss.sign(iss.key, claims)
}

// Forge signs claims as Sign does, with the same iss and key id, but with
// a key the issuer never published: what a foreign signer presents.
func (iss *Issuer) Forge(claims map[string]any) string {
	return iss.sign(iss.foreign, claims)
}

func (iss *Issuer) sign(key *rsa.PrivateKey, claims map[string]any) string {
	if _, ok := claims["iss"]; !ok {
		claims["iss"] = iss.URL
	}
	enc := base64.RawURLEncoding
	head, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": iss.kid})
	body, _ := json.Marshal(claims)
	signed := enc.EncodeToString(head) + "." + enc.EncodeToString(body)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		panic("oidctest: signing: " + err.Error()) // a 2048-bit key always signs
	}
	tok := signed + "." + enc.EncodeToString(sig)
	iss.mu.Lock()
	iss.issued = append(iss.issued, tok)
	iss.mu.Unlock()
	return tok
}

// Issued returns every token signed so far, for leak scans.
func (iss *Issuer) Issued() []string {
	iss.mu.Lock()
	defer iss.mu.Unlock()
	return append([]string(nil), iss.issued...)
}

// Asks counts the tokens the CI endpoints issued.
func (iss *Issuer) Asks() int {
	iss.mu.Lock()
	defer iss.mu.Unlock()
	return iss.asks
}

func (iss *Issuer) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer": iss.URL, "jwks_uri": iss.URL + "/.well-known/jwks",
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"subject_types_supported":               []string{"public", "pairwise"},
	})
}

func (iss *Issuer) jwks(w http.ResponseWriter, _ *http.Request) {
	pub := iss.key.PublicKey
	enc := base64.RawURLEncoding
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "alg": "RS256", "use": "sig", "kid": iss.kid,
		"n": enc.EncodeToString(pub.N.Bytes()), "e": enc.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// PublicKey is the issuer's signing key, for fakes configured with a key
// rather than a JWKS URL (Vault's jwt auth with jwt_validation_pubkeys).
func (iss *Issuer) PublicKey() *rsa.PublicKey { return &iss.key.PublicKey }
