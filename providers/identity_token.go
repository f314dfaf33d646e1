package providers

import (
	"strconv"
	"strings"
	"time"
)

// IdentityToken is a workload's OIDC identity token (a CI job's, a pod's)
// with the claims a backend trades it for, read without verification: the
// registry or cloud judges the token, regcred only names it. It lives for
// one `get` and is never written anywhere; the token cache keys what it
// buys by Issuer, Subject and Audience, so a rotated token of the same
// workload hits the cache.
type IdentityToken struct {
	Token    Secret
	Issuer   string
	Subject  string
	Audience []string
	Expiry   time.Time // zero when the token has no exp
	// From says where it came from, for messages ("GitHub Actions' ID
	// token endpoint", "variable CIRCLE_OIDC_TOKEN_V2").
	From string
}

// Claims describes the token for messages and `check --verify`: issuer,
// subject, audience and expiry, never the token.
func (t IdentityToken) Claims() string {
	s := "iss " + quoteOrNone(t.Issuer) + ", sub " + quoteOrNone(t.Subject) + ", aud " + quoteOrNone(strings.Join(t.Audience, " "))
	if !t.Expiry.IsZero() {
		s += ", exp " + t.Expiry.UTC().Format(time.RFC3339)
	}
	return s
}

func quoteOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	// Quoted with escapes: a token from a variable or a file carries
	// whatever claims its maker wrote, and they go into messages and logs.
	return strconv.Quote(s)
}
