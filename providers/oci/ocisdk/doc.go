// Package ocisdk is the oci-go-sdk wiring the two OCI backends share
// (ocivault for Vault secrets, ocir for registry tokens): what a backend
// keeps from New for its calls (Service), who signs the requests
// (Identity, built from ociauth.Settings), how long a failing call may
// take (Dispatcher, RetryPolicy, Tune, Await) and what its failure means
// to the resolver (Classify).
//
// Only the SDK packages common and common/auth are used here.
//
// # Identities
//
// The `auth` methods and their settings are described in package
// ociauth, which holds the settings as plain data.
// Identity.Provider turns them into a signing identity.
//
// # Time limits
//
// The SDK is tuned per client, never through its package-level switches:
// each HTTP exchange gets AttemptTimeout, three attempts at most with a
// short backoff (RetryPolicy), and no circuit breaker (Tune). What cannot
// be tuned per client, and how it is contained:
//
//   - The instance principal's region lookup retries eight times with
//     sleeps up to 30 s that take no context. regcred probes the metadata
//     service once (2 s) first, so off OCI the answer is "no identity"
//     within seconds.
//   - The federation (auth service) client retries three times (1 s, 2 s
//     apart) and uses the SDK's auth-client circuit breaker, configurable
//     only through common.GlobalAuthClientCircuitBreakerSetting or
//     OCI_SDK_AUTH_CLIENT_CIRCUIT_BREAKER_ENABLED; regcred leaves both
//     alone. Its HTTP client is regcred's (via the dispatcher modifier),
//     so each exchange is bounded by AttemptTimeout.
//   - OKE workload identity talks to the proxymux with the SDK's own
//     HTTP client (30 s timeout); no hook replaces it.
//
// None of these steps takes a context, so Await runs them aside and stops
// waiting when the caller's context ends.
//
// # Environment
//
// The SDK reads the principals' variables (OCI_RESOURCE_PRINCIPAL_*,
// KUBERNETES_SERVICE_HOST, OCI_METADATA_BASE_URL,
// OCI_SDK_AUTH_CLIENT_REGION_URL) from the process environment itself.
// regcred's own lookups (config file and profile, the metadata probe, the
// service-account token path, the presence checks that fail fast) go
// through providers.Deps.LookupEnv, which is the process environment in
// the binary. ociauth.Settings.EnvKeys lists them all for the cache key.
//
// # Logging
//
// Silence turns the SDK's logger off, because its verbose mode
// (OCI_GO_SDK_DEBUG=v) prints response bodies, secrets included.
package ocisdk
