package idtoken

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
)

// parse reads the claims of a JWT without verifying it (the backend does)
// and returns it as an IdentityToken. The error never holds the token.
func parse(raw, from string) (providers.IdentityToken, error) {
	raw = strings.TrimSpace(raw)
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return providers.IdentityToken{}, fmt.Errorf("%w: the identity token from %s is not a JWT (want three dot-separated parts)", providers.ErrInvalid, from)
	}
	body, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return providers.IdentityToken{}, fmt.Errorf("%w: the identity token from %s has a malformed claims part", providers.ErrInvalid, from)
	}
	var c struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Exp *json.Number    `json:"exp"`
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&c); err != nil {
		return providers.IdentityToken{}, fmt.Errorf("%w: the identity token from %s has claims that are not a JSON object", providers.ErrInvalid, from)
	}
	tok := providers.IdentityToken{Token: providers.Secret(raw), Issuer: c.Iss, Subject: c.Sub, Audience: audiences(c.Aud), From: from}
	if exp, ok := providers.JWTExpiry(raw); ok {
		tok.Expiry = exp
	}
	return tok, nil
}

// audiences reads "aud", a string or an array of strings.
func audiences(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		if one == "" {
			return nil
		}
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}

// check refuses a token that is already useless: expired, or (when the
// entry names one) for another audience. Both are cheaper to say here than
// to read from a backend's "invalid token".
func check(tok providers.IdentityToken, audience string, now time.Time, fix string) error {
	if !tok.Expiry.IsZero() && !now.Before(tok.Expiry) {
		return fmt.Errorf("%w: the identity token from %s expired at %s (%s); %s",
			providers.ErrNoIdentity, tok.From, tok.Expiry.UTC().Format(time.RFC3339), tok.Claims(), fix)
	}
	if audience != "" && !slices.Contains(tok.Audience, audience) {
		return fmt.Errorf("%w: the identity token from %s is for audience %q, not %q (idToken.audience); %s",
			providers.ErrNoIdentity, tok.From, strings.Join(tok.Audience, " "), audience, fix)
	}
	return nil
}
