package vaulttest

import (
	"net/http"
	"time"
)

// self answers auth/token/lookup-self (GET) and auth/token/renew-self
// (POST or PUT) for tok; ok is false for any other request. s.mu is held.
func (n *Namespace) self(r *http.Request, path string, tok *token) (answer, bool) {
	switch {
	case path == "auth/token/lookup-self" && r.Method == http.MethodGet:
		ttl := int64(0)
		expire := any(nil)
		if !tok.expires.IsZero() {
			ttl = int64(tok.expires.Sub(n.s.now()) / time.Second)
			expire = tok.expires.UTC().Format(time.RFC3339Nano)
		}
		return success(map[string]any{
			"accessor": tok.accessor, "policies": tok.policies, "ttl": ttl, "expire_time": expire,
			"creation_ttl": int64(tok.ttl / time.Second), "renewable": tok.ttl > 0, "type": "service",
		}, 0, nil), true
	case path == "auth/token/renew-self" && (r.Method == http.MethodPost || r.Method == http.MethodPut):
		if tok.ttl <= 0 {
			return errs(http.StatusBadRequest, "lease is not renewable"), true
		}
		tok.expires = n.s.now().Add(tok.ttl)
		id := ""
		for k, v := range n.tokens {
			if v == tok {
				id = k
			}
		}
		return success(nil, 0, authBlock(id, tok, nil)), true
	}
	return answer{}, false
}
