package vault

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/vault/vaultconfig"
)

// maxLogins bounds the in-process login cache (one entry per pod identity
// in kubelet mode).
const maxLogins = 64

// login is a token obtained by logging in, kept until renewAt.
type login struct {
	token   string
	renewAt time.Time // zero: the token does not expire
}

// vaultToken is the token one Credential call uses.
type vaultToken struct {
	value  string
	key    string // login cache key
	reused bool   // from the cache rather than a fresh login
}

// token returns the token to read with: the configured one for the token
// method, else a cached login token or a fresh login.
func (p *Provider) token(ctx context.Context, c *client, req providers.Request) (vaultToken, error) {
	if p.cfg.Method() == vaultconfig.MethodToken {
		v, err := p.staticToken()
		return vaultToken{value: v}, err
	}
	key := p.loginKey(req)
	if tok, ok := p.cached(key); ok {
		return vaultToken{value: tok, key: key, reused: true}, nil
	}
	p.loginMu.Lock()
	defer p.loginMu.Unlock()
	if tok, ok := p.cached(key); ok { // a concurrent call just logged in
		return vaultToken{value: tok, key: key, reused: true}, nil
	}
	l, err := p.login(ctx, c, req)
	if err != nil {
		return vaultToken{}, err
	}
	p.mu.Lock()
	if len(p.logins) >= maxLogins {
		clear(p.logins)
	}
	p.logins[key] = l
	p.mu.Unlock()
	return vaultToken{value: l.token, key: key}, nil
}

// loginKey separates logins made with different pod identities (kubelet
// mode hands each pod's service-account token to the provider).
func (p *Provider) loginKey(req providers.Request) string {
	role, _ := p.role(req)
	if p.usesRequestJWT(req) {
		// The role is hashed with the token: a login as one role is never
		// reused for a request that names another.
		sum := sha256.Sum256([]byte(req.ServiceAccount.Token.Reveal() + "\x00" + role))
		return "sa:" + hex.EncodeToString(sum[:])
	}
	return "role:" + role
}

func (p *Provider) cached(key string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l, ok := p.logins[key]
	if !ok || !l.renewAt.IsZero() && !p.deps.Now().Before(l.renewAt) {
		return "", false
	}
	return l.token, true
}

func (p *Provider) forget(key string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.logins, key)
}

// login posts to auth/<mount>/login and keeps the token for 80% of its TTL,
// so a token is never used in its last moments.
func (p *Provider) login(ctx context.Context, c *client, req providers.Request) (login, error) {
	method, mount := p.cfg.Method(), "auth/"+p.cfg.AuthMount()
	body, secrets, err := p.loginBody(ctx, c, req)
	if err != nil {
		return login{}, err
	}
	k := call{method: http.MethodPost, path: mount + "/login", body: body, secrets: secrets}
	r, err := c.do(ctx, k)
	if err != nil {
		return login{}, err
	}
	if r.status != http.StatusOK {
		if err := p.expiredJWTError(c, r, body, method, mount); err != nil {
			return login{}, err
		}
		return login{}, c.loginError(k, r, method, mount)
	}
	if r.body.Auth == nil || r.body.Auth.ClientToken == "" {
		return login{}, failf(providers.ErrInvalid, "Vault at %s: the %s login at %s answered no client token", c.address, method, mount)
	}
	l := login{token: r.body.Auth.ClientToken}
	ttl := providers.Seconds(int64(r.body.Auth.LeaseDuration))
	if ttl > 0 {
		l.renewAt = p.deps.Now().Add(ttl * 8 / 10)
	}
	p.deps.Logger.Debug("vault: logged in", "address", c.address, "method", method, "mount", mount, "ttl", ttl)
	return l, nil
}

// loginError: Vault answers a refused login with 400 (bad role or
// credentials) or 403 (signature or binding checks, or no auth method at
// that mount, which Vault does not tell apart).
func (c *client) loginError(k call, r reply, method, mount string) error {
	switch r.status {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden:
		msg := vaultMessage(r.body, k.secrets)
		if msg == "" || msg == "permission denied" {
			msg = "permission denied (is the " + method + " auth method enabled at " + mount + "?)"
		}
		return failf(providers.ErrDenied, "Vault at %s refused the %s login at %s: %s", c.address, method, mount, msg)
	}
	return c.statusError(k, r, "logging in at "+mount)
}

// expiredJWTError says so when Vault refused a login made with a JWT whose
// exp has passed: the kubernetes method answers an expired token with a
// bare "permission denied", which loginError would read as a missing auth
// method. nil when the login sent no JWT or the JWT has not expired.
func (p *Provider) expiredJWTError(c *client, r reply, body map[string]any, method, mount string) error {
	jwt, _ := body["jwt"].(string)
	exp, ok := providers.JWTExpiry(jwt)
	now := p.deps.Now()
	if !ok || now.Before(exp) {
		return nil
	}
	switch r.status {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden:
	default:
		return nil
	}
	return failf(providers.ErrDenied, "Vault at %s refused the %s login at %s: the token expired at %s, %s ago (a kubelet passes a fresh one with each request; is this machine's clock right?)",
		c.address, method, mount, exp.UTC().Format(time.RFC3339), now.Sub(exp).Round(time.Second))
}

// loginBody is the method's login payload and the values to redact from
// Vault's answer.
func (p *Provider) loginBody(ctx context.Context, c *client, req providers.Request) (map[string]any, []string, error) {
	a := p.cfg.Auth
	switch p.cfg.Method() {
	case vaultconfig.MethodAppRole:
		return p.appRoleBody()
	case vaultconfig.MethodKubernetes, vaultconfig.MethodJWT, vaultconfig.MethodOIDC:
		role, err := p.role(req)
		if err != nil {
			return nil, nil, err
		}
		jwt, err := p.jwt(req)
		if err != nil {
			return nil, nil, err
		}
		body := map[string]any{"jwt": jwt}
		if role != "" {
			body["role"] = role
		}
		return body, []string{jwt}, nil
	case vaultconfig.MethodAWS:
		return p.awsLoginBody(ctx)
	case vaultconfig.MethodCert:
		if !c.clientCert {
			return nil, nil, fmt.Errorf("%w: the cert login needs a client certificate: set clientCert and clientKey, or VAULT_CLIENT_CERT and VAULT_CLIENT_KEY", providers.ErrNoIdentity)
		}
		body := map[string]any{}
		if a.Role != "" {
			body["name"] = a.Role
		}
		return body, nil, nil
	}
	return nil, nil, fmt.Errorf("%w: vault: auth.method %q", providers.ErrInvalid, a.Method)
}

func (p *Provider) appRoleBody() (map[string]any, []string, error) {
	a := p.cfg.Auth
	roleID, secretID := a.RoleID, a.SecretID
	var err error
	if a.RoleIDFile != "" {
		if roleID, err = p.readSecretFile("auth.roleIdFile", a.RoleIDFile); err != nil {
			return nil, nil, err
		}
	}
	if a.SecretIDFile != "" {
		if secretID, err = p.readSecretFile("auth.secretIdFile", a.SecretIDFile); err != nil {
			return nil, nil, err
		}
	}
	body := map[string]any{"role_id": roleID}
	if secretID != "" { // roles with bind_secret_id=false take none
		body["secret_id"] = secretID
	}
	return body, []string{roleID, secretID}, nil
}

// defaultServiceAccountToken is where Kubernetes mounts a pod's token.
const defaultServiceAccountToken = "/var/run/secrets/kubernetes.io/serviceaccount/token"

// usesRequestJWT says whether the login uses the service-account token the
// kubelet passed rather than a file.
func (p *Provider) usesRequestJWT(req providers.Request) bool {
	switch p.cfg.Method() {
	case vaultconfig.MethodKubernetes, vaultconfig.MethodJWT, vaultconfig.MethodOIDC:
		return p.cfg.Auth.JWTFile == "" && req.ServiceAccount != nil && req.ServiceAccount.Token.Reveal() != ""
	}
	return false
}

// jwt returns the JWT to log in with: auth.jwtFile, else the kubelet's
// service-account token, else (kubernetes) the pod's mounted token.
func (p *Provider) jwt(req providers.Request) (string, error) {
	switch {
	case p.cfg.Auth.JWTFile != "":
		return p.readSecretFile("auth.jwtFile", p.cfg.Auth.JWTFile)
	case p.usesRequestJWT(req):
		return strings.TrimSpace(req.ServiceAccount.Token.Reveal()), nil
	case p.cfg.Method() == vaultconfig.MethodKubernetes:
		return p.readSecretFile("the pod's service-account token", defaultServiceAccountToken)
	}
	return "", fmt.Errorf("%w: the %s login needs auth.jwtFile (or, in kubelet mode, the pod's service-account token)", providers.ErrNoIdentity, p.cfg.Method())
}

// staticToken is the token method's token: auth.tokenFile, else
// VAULT_TOKEN, else ~/.vault-token (what `vault login` writes).
func (p *Provider) staticToken() (string, error) {
	if f := p.cfg.Auth.TokenFile; f != "" {
		return p.readSecretFile("auth.tokenFile", f)
	}
	if v := strings.TrimSpace(p.deps.Getenv("VAULT_TOKEN")); v != "" {
		return v, nil
	}
	const none = "no Vault token: set VAULT_TOKEN, run `vault login` (it writes ~/.vault-token), or set auth.tokenFile"
	if p.deps.Getenv("HOME") == "" {
		return "", fmt.Errorf("%w: %s", providers.ErrNoIdentity, none)
	}
	tok, err := p.readSecretFile("~/.vault-token", "~/.vault-token")
	if errors.Is(err, providers.ErrNoIdentity) {
		return "", fmt.Errorf("%w: %s", providers.ErrNoIdentity, none)
	}
	return tok, err
}
