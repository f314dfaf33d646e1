// Package ocir is the backend that logs in to OCI Registry (OCIR) as an
// OCI principal, with no stored auth token: it signs
// GET https://<registry host>/20180419/docker/token with the principal's
// key (the SDK's request signer, as for any OCI API call) and answers the
// username BEARER_TOKEN with the token the registry returns. So an OKE
// node (instance principal), a pod (OKE workload identity), a function or
// container instance (resource principal), or a user with an API key or
// session token pulls from OCIR without `docker login`.
//
//	registries:
//	  - match: "*.ocir.io"
//	    ocir: {auth: instance_principal}
//	  - match: "ocir.*.oci.oraclecloud.com"
//	    ocir: {auth: instance_principal}
//
// DefaultPatterns returns those two patterns. `auth`,
// `configFile` and `profile` work as in package ocivault (see package
// ociauth); `endpoint` sends the token request somewhere else than the
// registry host (a proxy, or a test fake), while the registry host itself
// must still be OCIR's.
//
// # The endpoint
//
// The token endpoint is the realm OCIR names in its registry challenge
// (`WWW-Authenticate: Bearer realm="https://<host>/20180419/docker/token"`)
// and answers a request signed like any OCI API request (date,
// (request-target) and host) with JSON:
//
//	{"token": "<JWT>", "access_token": "<JWT>", "scope": "", "expires_in": 3600}
//
// Sources for that shape: oracle-devrel/oke-credential-provider-for-ocir
// (internal/provider/provider.go, OKE's kubelet credential provider for
// OCIR) signs the same GET with common.DefaultRequestSigner for instance
// or user principals and decodes token, access_token, scope and
// expires_in, then answers the kubelet BEARER_TOKEN / token; oci-cli
// users do the same with `oci raw-request --http-method GET --target-uri
// https://<host>/20180419/docker/token | jq -r .data.token | docker login
// -u BEARER_TOKEN --password-stdin <host>` (raw-request wraps the body in
// "data"); Oracle's A-Team article "Authentication mechanisms for OCI
// Container Registry (OCIR)" describes the token as a short-lived JWT.
//
// ExpiresAt is now + expires_in; without it, the token's own exp claim;
// without that, five minutes, so an answer of unknown lifetime is not
// cached for long.
//
// # Safety
//
// A signed request proves the principal's identity, and the answer is a
// registry credential, so Credential checks the request's registry with
// an anchored match on whole labels (IsOCIRHost): <key>.ocir.io or
// ocir.<region>.oci.oraclecloud.com, no port. Anything else, look-alikes
// included, is refused with providers.ErrInvalid before any identity is
// resolved.
//
// Retries, time limits and error classes are those of package ocisdk: a
// refused signature (401) is providers.ErrDenied, 5xx and unreachable
// hosts ErrUnavailable, a missing identity ErrNoIdentity.
package ocir
