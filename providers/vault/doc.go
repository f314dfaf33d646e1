// Package vault is the backend for HashiCorp Vault and OpenBao (same HTTP
// API). It reads a username and password from a KV secret (v1 or v2), or
// an OAuth access token from the GCP secrets engine, over plain net/http.
//
// # Settings
//
// The `vault:` block of a registry entry is vaultconfig.Config; package
// vaultconfig documents every setting.
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
