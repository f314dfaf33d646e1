// Package vaultconfig holds the settings of the vault backend (HashiCorp
// Vault and OpenBao): the Config the config loader decodes, its static
// checks, and the environment variables and files that select the identity
// (for the cache key). It is apart from package vault so that the front
// binary, which only decodes configs and computes cache keys, does not link
// net/http, crypto/tls or the AWS SDK; a test holds it to that.
//
// # Settings (the `vault:` block of a registry entry)
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
package vaultconfig
