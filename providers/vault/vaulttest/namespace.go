package vaulttest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Namespace holds one namespace's mounts, policies and tokens.
type Namespace struct {
	s        *Server
	path     string
	mounts   map[string]secretsEngine // by path, no slashes around
	auths    map[string]authMethod    // by mount below auth/
	policies map[string][]string      // name → paths granted read
	tokens   map[string]*token
}

type secretsEngine interface {
	serve(r *http.Request, rel string, body []byte) answer
	// describe is the mount's type and options, as sys/internal/ui/mounts shows them.
	describe() (typ string, options map[string]string)
}

type authMethod interface {
	login(n *Namespace, r *http.Request, body []byte) answer
}

type token struct {
	policies []string
	ttl      time.Duration // what a renewal extends it by
	expires  time.Time     // zero: never
	login    bool          // issued by a login (RevokeLoginTokens)
	accessor string
}

func newNamespace(s *Server, path string) *Namespace {
	return &Namespace{s: s, path: path, mounts: map[string]secretsEngine{}, auths: map[string]authMethod{},
		policies: map[string][]string{}, tokens: map[string]*token{}}
}

func (n *Namespace) locked(f func()) {
	n.s.mu.Lock()
	defer n.s.mu.Unlock()
	f()
}

// Policy defines a policy granting read on each path: exact, or a glob
// with a trailing "*" and "+" for one segment, as Vault's ACLs take them.
// The policy "root" is built in and grants everything.
func (n *Namespace) Policy(name string, paths ...string) {
	n.locked(func() { n.policies[name] = paths })
}

// Token creates a token with the policies and, as `bao token create`
// does, the default policy (which lets a token look itself up and renew
// itself); ttl 0 never expires.
func (n *Namespace) Token(id string, ttl time.Duration, policies ...string) {
	n.locked(func() { n.tokens[id] = n.newToken(append([]string{"default"}, policies...), ttl, false) })
}

// Revoke revokes a token.
func (n *Namespace) Revoke(id string) { n.locked(func() { delete(n.tokens, id) }) }

// Tokens counts the namespace's live tokens, as listing
// auth/token/accessors on the real server does.
func (n *Namespace) Tokens() int {
	c := 0
	n.locked(func() {
		for _, t := range n.tokens {
			if t.expires.IsZero() || n.s.now().Before(t.expires) {
				c++
			}
		}
	})
	return c
}

// RevokeLoginTokens revokes every token a login issued.
func (n *Namespace) RevokeLoginTokens() {
	n.locked(func() {
		for id, t := range n.tokens {
			if t.login {
				delete(n.tokens, id)
			}
		}
	})
}

func (n *Namespace) newToken(policies []string, ttl time.Duration, login bool) *token {
	t := &token{policies: policies, login: login, ttl: ttl, accessor: randomID("")[:24]}
	if ttl > 0 {
		t.expires = n.s.now().Add(ttl)
	}
	return t
}

// authenticate finds the token. OpenBao answers a missing, unknown,
// revoked or expired token with a bare 403 "permission denied" (an ACL
// refusal is a multierror instead; HashiCorp Vault adds "invalid token").
func (n *Namespace) authenticate(id string) (*token, *answer) {
	t := n.tokens[id]
	if id == "" || t == nil || !t.expires.IsZero() && !n.s.now().Before(t.expires) {
		a := errs(http.StatusForbidden, "permission denied")
		return nil, &a
	}
	return t, nil
}

// allowed is the ACL check. Test policies grant read (and list) only; the
// default policy grants a token's own lookup and renewal.
func (n *Namespace) allowed(t *token, capability, path string) bool {
	if slices.Contains(t.policies, "root") {
		return true
	}
	if slices.Contains(t.policies, "default") && (path == "auth/token/lookup-self" || path == "auth/token/renew-self") {
		return true
	}
	if capability != "read" && capability != "list" {
		return false
	}
	for _, p := range t.policies {
		for _, rule := range n.policies[p] {
			if matchRule(rule, path) {
				return true
			}
		}
	}
	return false
}

// matchRule follows Vault's ACL paths: a trailing "*" is a prefix match,
// a "+" segment matches exactly one segment.
func matchRule(rule, path string) bool {
	prefix := strings.HasSuffix(rule, "*")
	rule = strings.TrimSuffix(rule, "*")
	if !strings.Contains(rule, "+") {
		if prefix {
			return strings.HasPrefix(path, rule)
		}
		return path == rule
	}
	rs, ps := strings.Split(rule, "/"), strings.Split(path, "/")
	for i, seg := range rs {
		if i >= len(ps) {
			return false
		}
		switch {
		case seg == "+":
		case i == len(rs)-1 && prefix:
			return strings.HasPrefix(strings.Join(ps[i:], "/"), seg)
		case seg != ps[i]:
			return false
		}
	}
	return prefix || len(ps) == len(rs)
}

// hasMountAccess is Vault's check for the mount lookup: the token must
// have some rule inside the mount (or a glob covering it).
func (n *Namespace) hasMountAccess(t *token, mount string) bool {
	if slices.Contains(t.policies, "root") {
		return true
	}
	for _, p := range t.policies {
		for _, rule := range n.policies[p] {
			base, _, _ := strings.Cut(strings.TrimSuffix(rule, "*"), "+")
			glob := base != rule
			if strings.HasPrefix(base, mount) || glob && strings.HasPrefix(mount, base) {
				return true
			}
		}
	}
	return false
}

// mountFor finds the mount holding path (longest match) and the rest.
func (n *Namespace) mountFor(path string) (secretsEngine, string) {
	best := ""
	for m := range n.mounts {
		if (path == m || strings.HasPrefix(path, m+"/")) && len(m) > len(best) {
			best = m
		}
	}
	if best == "" {
		return nil, ""
	}
	return n.mounts[best], strings.TrimPrefix(strings.TrimPrefix(path, best), "/")
}

// uiMount answers sys/internal/ui/mounts/<path> like Vault: 403 (never
// 404, so mounts cannot be probed) when nothing is mounted there or the
// token has no access to the mount.
func (n *Namespace) uiMount(t *token, path string) answer {
	path = strings.Trim(path, "/") + "/"
	denied := errs(http.StatusForbidden, fmt.Sprintf("preflight capability check returned 403, please ensure client's policies grant access to path %q", path))
	m, _ := n.mountFor(strings.TrimSuffix(path, "/"))
	if m == nil {
		return denied
	}
	mountPath := ""
	for k, v := range n.mounts {
		if v == m {
			mountPath = k + "/"
		}
	}
	if !n.hasMountAccess(t, mountPath) {
		return denied
	}
	typ, options := m.describe()
	return success(map[string]any{
		"type": typ, "options": options, "path": mountPath, "description": "",
		"accessor": typ + "_" + randomID("")[:8], "local": false, "seal_wrap": false,
		"external_entropy_access": false, "plugin_version": "",
		"config": map[string]any{"default_lease_ttl": 0, "max_lease_ttl": 0, "force_no_cache": false},
	}, 0, nil)
}

// login dispatches to the auth method at mount. A login to a mount with no
// method is an unauthenticated request to an unknown path: a bare 403.
func (n *Namespace) login(r *http.Request, mount string, body []byte) answer {
	m := n.auths[mount]
	if m == nil {
		return errs(http.StatusForbidden, "permission denied")
	}
	return m.login(n, r, body)
}

// issue creates a login token and answers with Vault's auth block.
func (n *Namespace) issue(policies []string, ttl time.Duration, meta map[string]string) answer {
	id := randomID("s.")
	all := append([]string{"default"}, policies...)
	t := n.newToken(all, ttl, true)
	n.tokens[id] = t
	return success(nil, 0, authBlock(id, t, meta))
}

// authBlock is the "auth" object of a login or renewal answer.
func authBlock(id string, t *token, meta map[string]string) map[string]any {
	return map[string]any{
		"client_token": id, "accessor": t.accessor, "policies": t.policies, "token_policies": t.policies,
		"metadata": meta, "lease_duration": int64(t.ttl / time.Second), "renewable": t.ttl > 0,
		"entity_id": randomID(""), "token_type": "service", "orphan": true, "mfa_requirement": nil, "num_uses": 0,
	}
}
