// Package vaulttest is a fake Vault server for tests, on 127.0.0.1. It
// follows Vault's HTTP API for the endpoints regcred uses, including the
// checks the real server makes, so a client that passes against it sends
// what a real Vault or OpenBao accepts. It answers as OpenBao 2.6 does,
// which providers/vault's TestFakeMatchesOpenBao checks against the real
// server (internal/openbao); tests use the real server wherever OpenBao can
// host the method, and this fake for Kubernetes, AWS IAM and GCP, and for
// faults (standby nodes, hangs) and clocks a real server cannot fake:
//
//   - namespaces (X-Vault-Namespace), each with its own mounts, policies
//     and tokens;
//   - tokens with TTLs and ACL policies (glob paths with "*" and "+"); a
//     missing, unknown, revoked or expired token is answered a bare 403
//     "permission denied", an ACL refusal a multierror ("1 error
//     occurred: \n\t* permission denied"); the default policy grants
//     auth/token/lookup-self and renew-self; a missing namespace is 404
//     "namespace not found";
//   - KV v1 (lease_duration from a "ttl" field, else 768h, no lease_id) and KV v2
//     (data/ and metadata/ paths, versions, ?version=, soft-deleted and
//     destroyed versions answered 404 with their metadata);
//   - sys/internal/ui/mounts/<path>;
//   - the GCP secrets engine's roleset, static-account and
//     impersonated-account token endpoints;
//   - logins: AppRole (role_id and secret_id), Kubernetes and JWT (RS256
//     signature against the configured public key, expiry, and the role's
//     bound service accounts, namespaces, audiences, subject and claims),
//     AWS IAM (the forwarded STS GetCallerIdentity request's SigV4
//     signature recomputed with the test's key, its date, scope and
//     X-Vault-AWS-IAM-Server-ID), and TLS certificates (verified against
//     the role's CA);
//   - sealed (503) and standby (429/472/473) answers, and a hung server.
//
// It also mints what tests need: a CA with server and client
// certificates, RSA keys and signed JWTs.
package vaulttest
