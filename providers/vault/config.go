package vault

import "github.com/regcred/regcred/providers/idtoken"

// Config is the `vault:` block of a registry entry. The package doc
// describes every setting; the YAML names are the tags below.
type Config struct {
	// Address is the server's URL; VAULT_ADDR when empty.
	Address string `yaml:"address"`
	// AllowHTTP lets an http:// address name a host other than loopback.
	// Off by default: the Vault token, login secrets and the registry
	// password would cross the network in clear.
	AllowHTTP bool `yaml:"allowHTTP"`
	// Namespace is sent as X-Vault-Namespace; VAULT_NAMESPACE when empty.
	Namespace string `yaml:"namespace"`

	// Engine is "kv" (the default) or "gcp".
	Engine string `yaml:"engine"`
	// Mount is the secrets engine's path. Optional for KV (detected), "gcp"
	// by default for the GCP engine.
	Mount string `yaml:"mount"`
	// Path is the secret's path below Mount, or the full path (mount
	// included) when Mount is empty, as `vault kv get` takes it.
	Path string `yaml:"path"`
	// KVVersion is "auto" (the default: asked of sys/internal/ui/mounts),
	// "1" or "2".
	KVVersion string `yaml:"kvVersion"`
	// Version pins a KV v2 version; 0 reads the current one.
	Version int `yaml:"version"`

	UsernameField string `yaml:"usernameField"` // default "username"
	PasswordField string `yaml:"passwordField"` // default "password"
	// Username fixes the user name; only the password is read from Vault.
	Username string `yaml:"username"`

	// GCP secrets engine: exactly one names where the OAuth token comes from.
	Roleset             string `yaml:"roleset"`
	StaticAccount       string `yaml:"staticAccount"`
	ImpersonatedAccount string `yaml:"impersonatedAccount"`

	// TTL (a Go duration) is how long a secret is used when Vault gives no
	// lifetime, and the longest it is used when Vault gives a longer one.
	TTL string `yaml:"ttl"`
	// Timeout (a Go duration) bounds each request to Vault; default 10s.
	Timeout string `yaml:"timeout"`

	// TLS; each falls back to the Vault CLI's variable (VAULT_CACERT,
	// VAULT_CAPATH, VAULT_TLS_SERVER_NAME, VAULT_CLIENT_CERT,
	// VAULT_CLIENT_KEY, VAULT_SKIP_VERIFY).
	CACert        string `yaml:"caCert"`
	CAPath        string `yaml:"caPath"`
	TLSServerName string `yaml:"tlsServerName"`
	ClientCert    string `yaml:"clientCert"`
	ClientKey     string `yaml:"clientKey"`
	TLSSkipVerify bool   `yaml:"tlsSkipVerify"`

	Auth Auth `yaml:"auth"`
}

// Auth selects how regcred logs in to Vault.
type Auth struct {
	// Method is token (the default), approle, kubernetes, jwt, oidc, aws
	// or cert.
	Method string `yaml:"method"`
	// Mount is the auth method's path below auth/; the method's name by
	// default.
	Mount string `yaml:"mount"`
	// Role is the role to log in as (kubernetes, jwt, aws; cert's "name").
	Role string `yaml:"role"`
	// RoleAnnotation names a service-account annotation whose value, in
	// kubelet mode, is the role for the kubernetes or jwt login, so each pod
	// logs in as its own role; Role is the fallback.
	RoleAnnotation string `yaml:"roleAnnotation"`

	RoleID       string `yaml:"roleId"`
	RoleIDFile   string `yaml:"roleIdFile"`
	SecretID     string `yaml:"secretId"`
	SecretIDFile string `yaml:"secretIdFile"`

	// JWTFile holds the JWT for kubernetes and jwt logins.
	JWTFile string `yaml:"jwtFile"`
	// IDToken makes a jwt (or oidc-mounted) login keyless: the workload's
	// identity token (a CI job's) is the JWT, fetched for each login.
	IDToken *idtoken.Config `yaml:"idToken"`
	// TokenFile holds a Vault token for the token method.
	TokenFile string `yaml:"tokenFile"`

	// HeaderValue is sent, signed, as X-Vault-AWS-IAM-Server-ID.
	HeaderValue string `yaml:"headerValue"`
	// Region selects the regional STS endpoint the AWS login is signed
	// for; empty means the global endpoint, signed for us-east-1.
	Region string `yaml:"region"`
}

// Auth methods, the values of Auth.Method.
const (
	MethodToken      = "token"
	MethodAppRole    = "approle"
	MethodKubernetes = "kubernetes"
	MethodJWT        = "jwt"
	MethodOIDC       = "oidc"
	MethodAWS        = "aws"
	MethodCert       = "cert"
)

// Secrets engines, the values of Config.Engine.
const (
	EngineKV  = "kv"
	EngineGCP = "gcp"
)

// Method returns the auth method, MethodToken when unset.
func (c Config) Method() string {
	if c.Auth.Method == "" {
		return MethodToken
	}
	return c.Auth.Method
}

// SecretsEngine returns the secrets engine, EngineKV when unset.
func (c Config) SecretsEngine() string {
	if c.Engine == "" {
		return EngineKV
	}
	return c.Engine
}

// AuthMount is the auth method's mount below auth/, without outer
// slashes: auth.mount when set, else the method's name.
func (c Config) AuthMount() string {
	if c.Auth.Mount != "" {
		return trimSlashes(c.Auth.Mount)
	}
	return c.Method()
}

// HasInlineSecret reports whether an AppRole secret_id is written in the
// config, so the loader can warn when the file is readable by others.
func (c Config) HasInlineSecret() bool { return c.Auth.SecretID != "" }

// IdentityToken implements idtoken.Trader: a jwt or oidc login with
// auth.idToken trades the workload's identity token.
func (c Config) IdentityToken() (idtoken.Config, bool) {
	if c.Auth.IDToken == nil || (c.Method() != MethodJWT && c.Method() != MethodOIDC) {
		return idtoken.Config{}, false
	}
	return *c.Auth.IDToken, true
}
