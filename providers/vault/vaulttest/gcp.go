package vaulttest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// GCP is a GCP secrets engine mount. Tokens have a fixed one-hour life,
// as the real engine's access tokens do.
type GCP struct {
	n        *Namespace
	accounts map[string]string // "roleset/name" → token
}

// MountGCP mounts the GCP secrets engine at path.
func (n *Namespace) MountGCP(path string) *GCP {
	g := &GCP{n: n, accounts: map[string]string{}}
	n.locked(func() { n.mounts[strings.Trim(path, "/")] = g })
	return g
}

// Roleset adds a roleset of secret type access_token answering token.
func (g *GCP) Roleset(name, token string) { g.add("roleset/"+name, token) }

// StaticAccount adds a static account of secret type access_token.
func (g *GCP) StaticAccount(name, token string) { g.add("static-account/"+name, token) }

// ImpersonatedAccount adds an impersonated account.
func (g *GCP) ImpersonatedAccount(name, token string) { g.add("impersonated-account/"+name, token) }

func (g *GCP) add(key, token string) { g.n.locked(func() { g.accounts[key] = token }) }

func (g *GCP) describe() (string, map[string]string) { return "gcp", nil }

// serve answers GET or POST <kind>/<name>/token.
func (g *GCP) serve(r *http.Request, rel string, _ []byte) answer {
	key, found := strings.CutSuffix(rel, "/token")
	kind, name, _ := strings.Cut(key, "/")
	if !found || (kind != "roleset" && kind != "static-account" && kind != "impersonated-account") {
		return errs(http.StatusNotFound, fmt.Sprintf("no handler for route %q. route entry not found.", rel))
	}
	tok, ok := g.accounts[key]
	if !ok {
		what := map[string]string{"roleset": "role set", "static-account": "static account", "impersonated-account": "impersonated account"}[kind]
		return errs(http.StatusBadRequest, fmt.Sprintf("%s %q does not exists", what, name))
	}
	exp := g.n.s.now().Add(time.Hour).Truncate(time.Second)
	return success(map[string]any{"token": tok, "expires_at_seconds": exp.Unix(), "token_ttl": 3599}, 0, nil)
}
