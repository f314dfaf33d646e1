package gcr

import (
	"fmt"
	"strconv"
	"time"

	"golang.org/x/oauth2"

	"github.com/regcred/regcred/providers"
)

// assumedLifetime is the expiry given to a token answered without one.
// Google always sends expires_in; should an endpoint not, a short guess
// only costs an early refresh, while none would let the cache keep a dead
// token.
const assumedLifetime = 10 * time.Minute

// credential turns an access token into the registry login, refusing a
// token that is already dead.
func (p *Provider) credential(name string, tok *oauth2.Token) (providers.Credential, error) {
	if tok == nil || tok.AccessToken == "" {
		return providers.Credential{}, fmt.Errorf("%w: gcr: %s: the token endpoint answered without an access token", providers.ErrInvalid, name)
	}
	now := p.deps.Now()
	exp := tok.Expiry
	if exp.IsZero() {
		if secs, ok := expiresIn(tok); ok && secs <= 0 {
			return providers.Credential{}, fmt.Errorf("%w: gcr: %s: the token endpoint answered an already expired token (expires_in %d)", providers.ErrInvalid, name, secs)
		}
		exp = now.Add(assumedLifetime)
	}
	if !exp.After(now) {
		return providers.Credential{}, fmt.Errorf("%w: gcr: %s: the token answered had expired at %s, before now (%s); check this machine's clock", providers.ErrInvalid, name, exp.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return providers.Credential{Username: Username, Secret: providers.Secret(tok.AccessToken), ExpiresAt: exp}, nil
}

// expiresIn reads the raw expires_in of a token answer, which the library
// drops when it is not positive.
func expiresIn(tok *oauth2.Token) (int64, bool) {
	switch v := tok.Extra("expires_in").(type) {
	case float64:
		return int64(v), true
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	return 0, false
}
