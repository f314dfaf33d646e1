package ocitest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"time"
)

// Issuer mints the fakes' tokens: RS256 JWTs, as OCI's are. The SDK only
// reads their claims (exp above all); the fakes recognise a token by its
// registration in Keys, not by checking this signature.
type Issuer struct {
	key *rsa.PrivateKey
	now func() time.Time
}

// NewIssuer makes an issuer with its own signing key; now nil is time.Now.
func NewIssuer(now func() time.Time) (*Issuer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	return &Issuer{key: key, now: now}, nil
}

// Token returns a JWT with claims plus iat and exp (now + ttl).
func (i *Issuer) Token(claims map[string]any, ttl time.Duration) string {
	now := i.now()
	all := map[string]any{"iss": "ocitest", "iat": now.Unix(), "exp": now.Add(ttl).Unix()}
	for k, v := range claims {
		all[k] = v
	}
	enc := base64.RawURLEncoding
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	payload, _ := json.Marshal(all)
	signed := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	digest := sha256.Sum256([]byte(signed))
	sig, _ := rsa.SignPKCS1v15(rand.Reader, i.key, crypto.SHA256, digest[:])
	return signed + "." + enc.EncodeToString(sig)
}
