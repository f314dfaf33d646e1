package vaulttest

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// clockSkew is the leeway Vault's JWT validation allows on exp and nbf.
const clockSkew = 60 * time.Second

// NewRSAKey generates an RSA key for signing test JWTs.
func NewRSAKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err, "vaulttest: RSA key")
	return k
}

// SignJWT signs claims as an RS256 JWT, as a Kubernetes API server or an
// OIDC provider does.
func SignJWT(t testing.TB, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	enc := base64.RawURLEncoding
	head := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT","kid":"test"}`))
	body, err := json.Marshal(claims)
	require.NoError(t, err, "vaulttest: JWT claims")
	signed := head + "." + enc.EncodeToString(body)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	require.NoError(t, err, "vaulttest: JWT signature")
	return signed + "." + enc.EncodeToString(sig)
}

// verifyJWT checks an RS256 signature and returns the claims (numbers as
// json.Number). Other algorithms, "none" included, are refused.
func verifyJWT(tok string, pub *rsa.PublicKey) (map[string]any, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errors.New("malformed token: want three parts")
	}
	enc := base64.RawURLEncoding
	var head struct {
		Alg string `json:"alg"`
	}
	if raw, err := enc.DecodeString(parts[0]); err != nil || json.Unmarshal(raw, &head) != nil {
		return nil, errors.New("malformed token header")
	}
	if head.Alg != "RS256" {
		return nil, fmt.Errorf("unsupported signing algorithm %q", head.Alg)
	}
	sig, err := enc.DecodeString(parts[2])
	if err != nil {
		return nil, errors.New("malformed token signature")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		return nil, errors.New("failed to verify id token signature")
	}
	raw, err := enc.DecodeString(parts[1])
	if err != nil {
		return nil, errors.New("malformed token claims")
	}
	var claims map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&claims); err != nil {
		return nil, errors.New("malformed token claims")
	}
	return claims, nil
}

// checkTimes validates exp and nbf when present, with Vault's leeway.
func checkTimes(claims map[string]any, now time.Time) error {
	if exp, ok := numericClaim(claims, "exp"); ok && !now.Before(exp.Add(clockSkew)) {
		return errors.New("token is expired (exp)")
	}
	if nbf, ok := numericClaim(claims, "nbf"); ok && now.Add(clockSkew).Before(nbf) {
		return errors.New("token not valid yet (nbf)")
	}
	return nil
}

func numericClaim(claims map[string]any, name string) (time.Time, bool) {
	n, ok := claims[name].(json.Number)
	if !ok {
		return time.Time{}, false
	}
	v, err := n.Int64()
	return time.Unix(v, 0), err == nil
}

// audiences reads "aud", a string or a list.
func audiences(claims map[string]any) []string {
	switch a := claims["aud"].(type) {
	case string:
		return []string{a}
	case []any:
		var out []string
		for _, v := range a {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// matchesAny reports whether v is in allowed, or allowed holds "*".
func matchesAny(allowed []string, v string) bool {
	return slices.Contains(allowed, "*") || slices.Contains(allowed, v)
}

// intersects reports whether some element of a is in b.
func intersects(a, b []string) bool {
	return slices.ContainsFunc(a, func(s string) bool { return slices.Contains(b, s) })
}

// loginInput is the body of a kubernetes or jwt login.
type loginInput struct {
	Role string `json:"role"`
	JWT  string `json:"jwt"`
}
