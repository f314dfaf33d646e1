package check

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
	"github.com/regcred/regcred/providers/netdeps"
)

// TokenClaims are what `check --verify` shows of a keyless entry's
// identity token: who issued it, for whom and which audience, until when.
// Never the token.
type TokenClaims struct {
	From     string    `json:"from"`
	Issuer   string    `json:"iss"`
	Subject  string    `json:"sub"`
	Audience []string  `json:"aud"`
	Expiry   time.Time `json:"exp,omitzero"`
}

func (c *Runner) tokenSource(e *config.Entry) (*idtoken.Source, bool) {
	cfg, ok := e.IdentityToken()
	if !ok {
		return nil, false
	}
	return idtoken.New(cfg, netdeps.Deps{HTTPClient: c.HTTPClient, Deps: providers.Deps{Now: c.Now, LookupEnv: c.LookupEnv, Logger: c.Logger}}), true
}

// identityTokenFrom says where a keyless entry's token would come from,
// without fetching it; "" for other entries.
func (c *Runner) identityTokenFrom(e *config.Entry) string {
	s, ok := c.tokenSource(e)
	if !ok {
		return ""
	}
	return s.Describe()
}

// identityTokenClaims fetches a keyless entry's token (--verify) and
// returns its claims; nil for other entries. A failure is left to the
// entry's own attempt, which reports it.
func (c *Runner) identityTokenClaims(ctx context.Context, e *config.Entry) *TokenClaims {
	s, ok := c.tokenSource(e)
	if !ok {
		return nil
	}
	tok, err := s.Fetch(ctx)
	if err != nil {
		return nil
	}
	return &TokenClaims{From: tok.From, Issuer: tok.Issuer, Subject: tok.Subject, Audience: tok.Audience, Expiry: tok.Expiry}
}

// writeIdentityTokens lists where each keyless entry's token comes from
// and, after --verify, what the tokens said.
func (rep *Report) writeIdentityTokens(b *bytes.Buffer) {
	var lines []string
	for _, e := range rep.Entries {
		if e.IdentityToken != "" {
			lines = append(lines, fmt.Sprintf("  #%d %s (%s): from %s", e.Index, e.Match, e.Kind, e.IdentityToken))
		}
	}
	for _, ch := range rep.Checks {
		if t := ch.IdentityToken; t != nil {
			tok := providers.IdentityToken{Issuer: t.Issuer, Subject: t.Subject, Audience: t.Audience, Expiry: t.Expiry}
			lines = append(lines, fmt.Sprintf("  %s: the token from %s: %s", ch.Request, t.From, tok.Claims()))
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintln(b)
	fmt.Fprintln(b, "Identity tokens (keyless entries; fetched for each request, never stored):")
	fmt.Fprintln(b, strings.Join(lines, "\n"))
}
