package vault

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
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
	key    string // in-process login cache key
	reused bool   // from a cache rather than a fresh login
	// login names the login in the cross-process cache; nil for the
	// token method.
	login *providers.LoginID
}

// token returns the token to read with: the configured one for the token
// method, else a login token: this process's, the token cache's (shared
// with other processes, renewed when due), or a fresh login.
func (p *Provider) token(ctx context.Context, c *client, req providers.Request) (vaultToken, error) {
	if p.cfg.Method() == MethodToken {
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
	lr, err := p.loginBody(ctx, c, req)
	if err != nil {
		return vaultToken{}, err
	}
	obtain := func(ctx context.Context, old *providers.LoginToken) (providers.LoginToken, error) {
		if old != nil && old.Renewable {
			if t, ok := p.renew(ctx, c, *old); ok {
				return t, nil
			}
		}
		return p.login(ctx, c, lr)
	}
	var (
		t      providers.LoginToken
		reused bool
		id     *providers.LoginID
	)
	if p.deps.Logins != nil {
		lid := p.loginID(c, lr)
		id = &lid
		t, reused, err = p.deps.Logins.Login(ctx, lid, obtain)
		if err != nil {
			return vaultToken{}, err
		}
	} else if t, err = obtain(ctx, nil); err != nil {
		return vaultToken{}, err
	}
	l := login{token: t.Token.Reveal()}
	if !t.ExpiresAt.IsZero() {
		// Kept in the process for 80% of what is left of its life.
		now := p.deps.Now()
		l.renewAt = now.Add(t.ExpiresAt.Sub(now) * 8 / 10)
	}
	p.mu.Lock()
	if len(p.logins) >= maxLogins {
		clear(p.logins)
	}
	p.logins[key] = l
	p.mu.Unlock()
	return vaultToken{value: l.token, key: key, reused: reused, login: id}, nil
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

// forget drops a refused login token, here and in the token cache.
func (p *Provider) forget(ctx context.Context, tok vaultToken) {
	p.mu.Lock()
	delete(p.logins, tok.key)
	p.mu.Unlock()
	if tok.login != nil && p.deps.Logins != nil {
		p.deps.Logins.Drop(ctx, *tok.login)
	}
}

// login posts body to auth/<mount>/login.
func (p *Provider) login(ctx context.Context, c *client, lr loginRequest) (providers.LoginToken, error) {
	method, mount := p.cfg.Method(), "auth/"+p.cfg.AuthMount()
	k := call{method: http.MethodPost, path: mount + "/login", body: lr.body, secrets: lr.secrets}
	r, err := c.do(ctx, k)
	if err != nil {
		return providers.LoginToken{}, err
	}
	if r.status != http.StatusOK {
		if err := p.expiredJWTError(c, r, lr.body, method, mount); err != nil {
			return providers.LoginToken{}, err
		}
		return providers.LoginToken{}, c.loginError(k, r, method, mount)
	}
	if r.body.Auth == nil || r.body.Auth.ClientToken == "" {
		return providers.LoginToken{}, failf(providers.ErrInvalid, "Vault at %s: the %s login at %s answered no client token", c.address, method, mount)
	}
	t := p.loginToken(r.body.Auth)
	p.deps.Logger.Debug("vault: logged in", "address", c.address, "method", method, "mount", mount, "ttl", providers.Seconds(r.body.Auth.LeaseDuration), "renewable", t.Renewable)
	return t, nil
}

// loginToken is an auth block as a LoginToken.
func (p *Provider) loginToken(a *authBody) providers.LoginToken {
	t := providers.LoginToken{Token: providers.Secret(a.ClientToken), Renewable: a.Renewable}
	if ttl := providers.Seconds(a.LeaseDuration); ttl > 0 {
		t.ExpiresAt = p.deps.Now().Add(ttl)
	}
	return t
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

// loginRequest is a login's payload, the values to redact from Vault's
// answer, and what identifies the credentials presented (for loginID).
type loginRequest struct {
	body     map[string]any
	secrets  []string
	presents []byte
}

// loginBody builds the method's login request.
func (p *Provider) loginBody(ctx context.Context, c *client, req providers.Request) (loginRequest, error) {
	a := p.cfg.Auth
	switch p.cfg.Method() {
	case MethodAppRole:
		return p.appRoleBody()
	case MethodKubernetes, MethodJWT, MethodOIDC:
		role, err := p.role(req)
		if err != nil {
			return loginRequest{}, err
		}
		jwt, err := p.jwt(ctx, req)
		if err != nil {
			return loginRequest{}, err
		}
		body := map[string]any{"jwt": jwt}
		if role != "" {
			body["role"] = role
		}
		return bodyRequest(body, jwt)
	case MethodAWS:
		return p.awsLoginBody(ctx)
	case MethodCert:
		if !c.clientCert {
			return loginRequest{}, fmt.Errorf("%w: the cert login needs a client certificate: set clientCert and clientKey, or VAULT_CLIENT_CERT and VAULT_CLIENT_KEY", providers.ErrNoIdentity)
		}
		body := map[string]any{}
		if a.Role != "" {
			body["name"] = a.Role
		}
		cert, err := p.clientCertificate()
		if err != nil {
			return loginRequest{}, err
		}
		return loginRequest{body: body, presents: fmt.Appendf(nil, "cert %q %x", a.Role, sha256.Sum256(cert))}, nil
	}
	return loginRequest{}, fmt.Errorf("%w: vault: auth.method %q", providers.ErrInvalid, a.Method)
}

// bodyRequest is a login request identified by its whole body (role,
// role ID, secret ID, JWT), hashed.
func bodyRequest(body map[string]any, secrets ...string) (loginRequest, error) {
	b, err := json.Marshal(body) // keys sorted: the same body, the same bytes
	if err != nil {
		return loginRequest{}, fmt.Errorf("%w: encoding the login: %v", providers.ErrInvalid, err)
	}
	sum := sha256.Sum256(b)
	return loginRequest{body: body, secrets: secrets, presents: sum[:]}, nil
}

func (p *Provider) appRoleBody() (loginRequest, error) {
	a := p.cfg.Auth
	roleID, secretID := a.RoleID, a.SecretID
	var err error
	if a.RoleIDFile != "" {
		if roleID, err = p.readSecretFile("auth.roleIdFile", a.RoleIDFile); err != nil {
			return loginRequest{}, err
		}
	}
	if a.SecretIDFile != "" {
		if secretID, err = p.readSecretFile("auth.secretIdFile", a.SecretIDFile); err != nil {
			return loginRequest{}, err
		}
	}
	body := map[string]any{"role_id": roleID}
	if secretID != "" { // roles with bind_secret_id=false take none
		body["secret_id"] = secretID
	}
	return bodyRequest(body, roleID, secretID)
}

// defaultServiceAccountToken is where Kubernetes mounts a pod's token.
const defaultServiceAccountToken = "/var/run/secrets/kubernetes.io/serviceaccount/token"

// usesRequestJWT says whether the login uses the service-account token the
// kubelet passed rather than a file.
func (p *Provider) usesRequestJWT(req providers.Request) bool {
	switch p.cfg.Method() {
	case MethodKubernetes, MethodJWT, MethodOIDC:
		return p.cfg.Auth.JWTFile == "" && p.cfg.Auth.IDToken == nil && req.ServiceAccount != nil && req.ServiceAccount.Token.Reveal() != ""
	}
	return false
}

// jwt returns the JWT to log in with: auth.jwtFile, else the kubelet's
// service-account token, else (kubernetes) the pod's mounted token.
func (p *Provider) jwt(ctx context.Context, req providers.Request) (string, error) {
	switch {
	case p.cfg.Auth.IDToken != nil:
		tok, err := idtoken.New(*p.cfg.Auth.IDToken, p.deps).For(ctx, req)
		if err != nil {
			return "", fmt.Errorf("auth.idToken: %w", err)
		}
		return tok.Token.Reveal(), nil
	case p.cfg.Auth.JWTFile != "":
		return p.readSecretFile("auth.jwtFile", p.cfg.Auth.JWTFile)
	case p.usesRequestJWT(req):
		return strings.TrimSpace(req.ServiceAccount.Token.Reveal()), nil
	case p.cfg.Method() == MethodKubernetes:
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
