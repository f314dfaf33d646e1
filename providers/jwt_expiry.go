package providers

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// JWTExpiry reads the "exp" claim of a JWT (a service-account token, a CI
// token) without verifying anything: regcred never judges a token, the
// backend does. It serves messages only: when a backend refuses a login,
// "the token expired at …" says more than the backend's "permission
// denied". ok is false when token is not a JWT with a numeric exp.
func JWTExpiry(token string) (exp time.Time, ok bool) {
	parts := strings.Split(strings.TrimSpace(token), ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp *json.Number `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Exp == nil {
		return time.Time{}, false
	}
	secs, err := claims.Exp.Float64()
	if err != nil || secs <= 0 || secs > 1e11 {
		return time.Time{}, false
	}
	return time.Unix(int64(secs), 0), true
}
