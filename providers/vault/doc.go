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
// kept in the process for 80% of its TTL and reused; when Vault refuses a
// reused token (revoked early), the provider logs in once more.
//
// # Expiry
//
// KV: a "ttl" field in the secret (seconds or a duration, as KV v1 reads
// it), else the answer's lease_duration (KV v1 gives the mount's default
// lease, 768h unless tuned), else none. GCP: expires_at_seconds. The ttl
// setting then applies as described above. Credential.ExpiresAt is zero
// when no lifetime is known.
//
// # Outcomes
//
// 404 wraps providers.ErrNotFound naming the path (a soft-deleted or
// destroyed KV v2 version says so); 403 wraps providers.ErrDenied:
// "permission denied by policy" and the path (or "the token is invalid or
// expired"). 503 (sealed), 429, 472, 473, other 5xx, timeouts and
// connection failures wrap providers.ErrUnavailable as "Vault unavailable
// at <address>: <reason>". Transient failures are retried at most twice
// (100 ms, then 200 ms); a timeout is not retried. No error or log line
// holds a token, secret ID, JWT or secret value.
package vault
