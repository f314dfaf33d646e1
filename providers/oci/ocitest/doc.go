// Package ocitest holds fakes of the OCI endpoints regcred talks to, for
// tests that run the real oci-go-sdk against them on 127.0.0.1:
//
//   - Secrets: the Vault secret-retrieval API (GetSecretBundle,
//     GetSecretBundleByName);
//   - OCIR: a registry's token endpoint (GET /20180419/docker/token);
//   - Metadata and Federation: the instance metadata service and the auth
//     service's X.509 federation endpoint, for instance principals;
//   - Proxymux: an OKE cluster's workload-identity token endpoint;
//   - ResourcePrincipal: the environment OCI Functions and Container
//     Instances hand a resource principal.
//
// The fakes check what OCI checks. Every request to Secrets and OCIR must
// carry an OCI HTTP signature (draft-cavage-http-signatures, version 1,
// rsa-sha256) over at least date, (request-target) and host, plus
// x-content-sha256, content-type and content-length for requests with a
// body, whose hash must match; the signature must verify with the public
// key registered for its keyId in Keys, and the date must be within five
// minutes. Anything else is answered 401 NotAuthenticated, as OCI does.
// Keys are registered by the tests (API keys; APIKeyConfig also writes
// the config file) or by the fakes that issue session tokens (Federation,
// Proxymux, ResourcePrincipal), whose key id is "ST$<token>".
//
// CheckEnvKeys is the one table of the variables an OCI identity depends
// on, run by each backend through its own Config.
package ocitest
