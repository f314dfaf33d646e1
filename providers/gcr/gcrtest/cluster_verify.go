package gcrtest

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"
)

// podClaims are the claims STS reads of an OIDC token (a pod's, a CI job's).
type podClaims struct {
	Iss string   `json:"iss"`
	Sub string   `json:"sub"`
	Aud audience `json:"aud"`
	Exp int64    `json:"exp"`
	Nbf int64    `json:"nbf"`
	Iat int64    `json:"iat"`
}

// audience is a JWT `aud`: one string or a list.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = audience{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(a))
}

// clockSkew is the leeway STS allows on nbf, iat and exp.
const clockSkew = 30

// verify checks a token as STS checks an OIDC provider's token: the
// RS256 signature against the keys the issuer publishes now (fetched from
// its discovery document), the issuer, an allowed audience, the lifetime
// and the attribute condition. It returns the principal the token stands
// for, or the OAuth error code and what is wrong, in STS's words.
func (p *PoolProvider) verify(token string, now time.Time) (principal, code, problem string) {
	var hdr jwtHeader
	var claims podClaims
	parts := strings.Split(token, ".")
	if len(parts) != 3 || decodeSegment(parts[0], &hdr) != nil || decodeSegment(parts[1], &claims) != nil {
		return "", "invalid_grant", "The subject token is not a JWT."
	}
	if hdr.Alg != "RS256" {
		return "", "invalid_grant", fmt.Sprintf("The JWT is signed with an unsupported algorithm %q.", hdr.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return "", "invalid_grant", "Invalid JWT signature."
	}
	keys, err := fetchJWKS(p.Issuer)
	if err != nil {
		// What STS answers when it cannot read the issuer's metadata or JWKS.
		return "", "invalid_grant", "Error connecting to the given credential's issuer."
	}
	n := now.Unix()
	switch {
	case !verifyRS256(keys, hdr.Kid, parts[0]+"."+parts[1], sig):
		return "", "invalid_grant", "Invalid JWT signature."
	case claims.Iss != p.Issuer:
		return "", "invalid_grant", fmt.Sprintf("The issuer in ID Token %s does not match the expected ones.", claims.Iss)
	case !slices.Contains(claims.Aud, p.TokenAudience):
		return "", "invalid_grant", fmt.Sprintf("The audience in ID Token %v does not match the expected audience.", []string(claims.Aud))
	case claims.Exp == 0 || n >= claims.Exp+clockSkew:
		return "", "invalid_grant", "ID Token expired."
	case claims.Nbf > n+clockSkew || claims.Iat > n+clockSkew:
		return "", "invalid_grant", "ID Token is not yet valid."
	case claims.Sub == "":
		return "", "invalid_grant", "The ID Token has no subject."
	case p.subject != "" && claims.Sub != p.subject:
		return "", "unauthorized_client", "The given credential is rejected by the attribute condition."
	}
	return p.PrincipalOf(claims.Sub), "", ""
}

// fetchJWKS reads the issuer's discovery document and its JWKS.
func fetchJWKS(issuer string) (map[string]*rsa.PublicKey, error) {
	var disc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := getJSON(issuer+"/.well-known/openid-configuration", &disc); err != nil {
		return nil, err
	}
	var set struct {
		Keys []struct {
			Kty, Kid, N, E string
		} `json:"keys"`
	}
	if err := getJSON(disc.JWKSURI, &set); err != nil {
		return nil, err
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		n, errN := base64.RawURLEncoding.DecodeString(k.N)
		e, errE := base64.RawURLEncoding.DecodeString(k.E)
		if k.Kty != "RSA" || errN != nil || errE != nil {
			continue
		}
		keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	return keys, nil
}

func getJSON(url string, v any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %d", url, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
