// Package vault is the backend for HashiCorp Vault and OpenBao (same HTTP
// API). It reads a username and password from a KV secret (v1 or v2), or
// an OAuth access token from the GCP secrets engine, over plain net/http.
//
// # Settings
//
// The `vault:` block of a registry entry (Config):
//
//	address        server URL; VAULT_ADDR when empty (no default: an entry
//	               without either fails with a clear message)
//	namespace      sent as X-Vault-Namespace; VAULT_NAMESPACE when empty
//	engine         kv (default) or gcp
//	mount          the secrets engine's path (optional for kv; "gcp" by
//	               default for gcp)
//	path           kv: the secret's path below mount, or the full path with
//	               the mount when mount is empty ("secret/dockerhub", as
//	               `vault kv get` takes it; never with KV v2's "data/")
//	kvVersion      auto (default), 1 or 2. auto asks
//	               GET /v1/sys/internal/ui/mounts/<path> (as the Vault CLI
//	               does), which also finds the mount when only path is set;
//	               a server without that endpoint (404) is read as KV v1.
//	               With 2 and no mount, the first segment of path is the mount.
//	version        KV v2 version to read (?version=N); 0 means current
//	usernameField  default "username"
//	passwordField  default "password"
//	username       a fixed user name; only the password field is read
//	               (gcp: default "oauth2accesstoken")
//	roleset | staticAccount | impersonatedAccount
//	               gcp: GET <mount>/roleset/<name>/token (or
//	               static-account/…, impersonated-account/…)
//	ttl            Go duration: the lifetime when Vault gives none, and the
//	               longest a secret is used when Vault's is longer
//	timeout        Go duration bounding each request; default 10s
//	caCert caPath tlsServerName clientCert clientKey tlsSkipVerify
//	               TLS; each unset one falls back to VAULT_CACERT,
//	               VAULT_CAPATH, VAULT_TLS_SERVER_NAME, VAULT_CLIENT_CERT,
//	               VAULT_CLIENT_KEY, VAULT_SKIP_VERIFY
//	auth:
//	  method       token (default), approle, kubernetes, jwt, oidc, aws, cert
//	  mount        the auth method's path below auth/ (default: the method)
//	  role         kubernetes (required), jwt/oidc, aws: the role; cert: the
//	               certificate role's name
//	  roleAnnotation  kubernetes, jwt: in kubelet mode, the service-account
//	               annotation whose value is the role (auth.role is the fallback);
//	               a login is reused only for the same token and role
//	  roleId | roleIdFile, secretId | secretIdFile    approle
//	  jwtFile      kubernetes, jwt/oidc: the JWT. Without it: in kubelet mode
//	               the pod's service-account token the kubelet passes, else
//	               (kubernetes only) /var/run/secrets/kubernetes.io/serviceaccount/token
//	  tokenFile    token: a file holding the token; else VAULT_TOKEN, else
//	               ~/.vault-token (what `vault login` writes)
//	  headerValue  aws: X-Vault-AWS-IAM-Server-ID, signed
//	  region       aws: sign for STS in this region (sts.<region>.amazonaws.com);
//	               unset: the global endpoint signed for us-east-1, which a
//	               Vault with default sts_endpoint/sts_region expects
//
// # Logins
//
// Every method but token posts to auth/<mount>/login with the fields of
// Vault's API (approle: role_id, secret_id; kubernetes, jwt: role, jwt;
// aws: role and iam_http_request_method, iam_request_url, iam_request_body,
// iam_request_headers, base64 of an STS GetCallerIdentity request signed
// with aws-sdk-go-v2's SigV4 signer using the SDK's default credential
// chain; cert: name, over TLS with the client certificate). The token is
// kept in the process for 80% of its TTL and, through netdeps.Deps.Logins
// (the token cache), across processes under a key hashed from the server,
// mount, method and what the login presents; when due, a renewable token is
// renewed with auth/token/renew-self rather than replaced. When Vault
// refuses a reused token as invalid (revoked early), it is dropped and the
// provider logs in once more.
//
// # Expiry
//
// KV answers carry no lease_id: KV v1's lease_duration (the mount's
// default, 768h unless tuned) is only a refresh hint, so a KV credential
// has no ExpiresAt and the cache keeps it for the entry's ttl, else
// cache.ttl. A leased answer (lease_id set) expires with its lease. A
// "ttl" field in the secret (seconds or a duration) shortens either
// (Credential.MaxAge when there is no expiry). GCP: expires_at_seconds.
// The ttl setting caps every expiry. docs/config.md tells users the rules.
//
// # Outcomes
//
// 404 wraps providers.ErrNotFound naming the path (a soft-deleted or
// destroyed KV v2 version says so); 403 wraps providers.ErrDenied:
// "permission denied by policy" and the path, or, for a token Vault does
// not know, "the Vault token is invalid or expired (run `bao login`/`vault
// login`, or check tokenFile)". OpenBao answers both with 403; an unknown
// token gets a bare "permission denied" (HashiCorp Vault adds "invalid
// token"), which auth/token/lookup-self confirms. 503 (sealed), 429, 472, 473, other 5xx, timeouts and
// connection failures wrap providers.ErrUnavailable as "Vault unavailable
// at <address>: <reason>". Transient failures are retried at most twice
// (100 ms, then 200 ms); a timeout is not retried. No error or log line
// holds a token, secret ID, JWT or secret value.
package vault
