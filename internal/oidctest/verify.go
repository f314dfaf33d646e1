package oidctest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Leeway is the clock skew verifiers allow on exp, as most services do.
const Leeway = 30 * time.Second

// Claims are a verified token's claims.
type Claims struct {
	Issuer   string
	Subject  string
	Audience []string
	Expiry   time.Time
}

// Verifier checks tokens as a service trusting one issuer does: it fetches
// the issuer's discovery document and JWKS over HTTP (the way the real
// services do), and checks the RS256 signature, iss, aud and exp.
type Verifier struct {
	Issuer   string // the trusted issuer URL
	Audience string // the audience the trust names; empty: any
	Client   *http.Client
	Now      func() time.Time
}

// Errors a Verifier's refusal wraps, so fakes can answer as the real
// service would for each.
var (
	ErrMalformed = errors.New("malformed token")
	ErrIssuer    = errors.New("untrusted issuer")
	ErrSignature = errors.New("signature verification failed")
	ErrAudience  = errors.New("audience mismatch")
	ErrExpired   = errors.New("token expired")
)

// Verify checks tok and returns its claims.
func (v Verifier) Verify(ctx context.Context, tok string) (Claims, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return Claims{}, fmt.Errorf("%w: want three parts", ErrMalformed)
	}
	var head struct{ Alg, Kid string }
	var raw struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Exp json.Number     `json:"exp"`
	}
	if decodePart(parts[0], &head) != nil || decodePart(parts[1], &raw) != nil {
		return Claims{}, fmt.Errorf("%w: undecodable header or claims", ErrMalformed)
	}
	if head.Alg != "RS256" {
		return Claims{}, fmt.Errorf("%w: algorithm %q", ErrSignature, head.Alg)
	}
	if raw.Iss != v.Issuer {
		return Claims{}, fmt.Errorf("%w: %q", ErrIssuer, raw.Iss)
	}
	key, err := v.key(ctx, head.Kid)
	if err != nil {
		return Claims{}, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return Claims{}, fmt.Errorf("%w: undecodable signature", ErrMalformed)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig) != nil {
		return Claims{}, ErrSignature
	}
	c := Claims{Issuer: raw.Iss, Subject: raw.Sub}
	var one string
	if json.Unmarshal(raw.Aud, &one) == nil {
		c.Audience = []string{one}
	} else {
		_ = json.Unmarshal(raw.Aud, &c.Audience)
	}
	if v.Audience != "" && !slices.Contains(c.Audience, v.Audience) {
		return Claims{}, fmt.Errorf("%w: token for %q, want %q", ErrAudience, c.Audience, v.Audience)
	}
	exp, err := raw.Exp.Int64()
	if err != nil {
		return Claims{}, fmt.Errorf("%w: no numeric exp", ErrMalformed)
	}
	c.Expiry = time.Unix(exp, 0)
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	if !now().Before(c.Expiry.Add(Leeway)) {
		return Claims{}, fmt.Errorf("%w at %s", ErrExpired, c.Expiry.UTC().Format(time.RFC3339))
	}
	return c, nil
}

// key fetches the issuer's discovery document, then its JWKS, and returns
// the key with the given id.
func (v Verifier) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	var disc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := v.getJSON(ctx, strings.TrimRight(v.Issuer, "/")+"/.well-known/openid-configuration", &disc); err != nil {
		return nil, err
	}
	var set struct {
		Keys []struct{ Kid, Kty, N, E string } `json:"keys"`
	}
	if err := v.getJSON(ctx, disc.JWKSURI, &set); err != nil {
		return nil, err
	}
	for _, k := range set.Keys {
		if k.Kid != kid || k.Kty != "RSA" {
			continue
		}
		n, errN := base64.RawURLEncoding.DecodeString(k.N)
		e, errE := base64.RawURLEncoding.DecodeString(k.E)
		if errN != nil || errE != nil {
			return nil, fmt.Errorf("%w: bad JWKS key", ErrSignature)
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
	}
	return nil, fmt.Errorf("%w: no key %q in the issuer's JWKS", ErrSignature, kid)
}

func (v Verifier) getJSON(ctx context.Context, url string, out any) error {
	client := v.Client
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrIssuer, url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrIssuer, url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: %s: HTTP %d", ErrIssuer, url, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func decodePart(part string, out any) error {
	b, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(out)
}
