package config

import (
	"strings"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
)

// IdentityToken returns the entry's `idToken` settings when its backend
// trades a workload identity token (jwt, jfrog, quay, ecr with idToken …).
func (e *Entry) IdentityToken() (idtoken.Config, bool) {
	if t, ok := e.settings.(idtoken.Trader); ok {
		return t.IdentityToken()
	}
	return idtoken.Config{}, false
}

// WithIdentityToken keys what tok buys by its issuer, subject and
// audience, never by the token: a token rotated for the same workload
// (every CI job gets a new one) keys the same credential, and another
// workload's token another.
func (id CacheIdentity) WithIdentityToken(tok providers.IdentityToken) CacheIdentity {
	id.Key = cache.Key(id.Key, "identity token", "iss", tok.Issuer, "sub", tok.Subject, "aud", strings.Join(tok.Audience, "\x00"))
	return id
}
