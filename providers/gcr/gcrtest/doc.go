// Package gcrtest holds fakes of the Google services the gcr backend talks
// to, for unit and end-to-end tests: the OAuth 2.0 token endpoint
// (oauth2.googleapis.com/token), the Security Token Service
// (sts.googleapis.com), the IAM Credentials API
// (iamcredentials.googleapis.com) and the Compute Engine metadata server.
//
// The fakes are strict the way Google is: the token endpoint verifies the
// RS256 signature of a JWT-bearer assertion with the service account's
// public key and checks its issuer, audience, scope and lifetime; it
// answers a bad signature, a deleted key, a revoked refresh token or a
// skewed clock with the `invalid_grant` errors Google sends. STS verifies
// an OIDC subject token (a pod's, a CI job's) at a pool provider
// (NewCluster, TrustIssuer) against its issuer's JWKS, the provider's
// allowed audience, the token's lifetime and the provider's attribute
// condition. The IAM fake
// only accepts bearer tokens these fakes issued, for principals that were
// granted the right to impersonate. The metadata fake insists on the
// `Metadata-Flavor: Google` header. A fake that accepted anything would
// prove nothing.
//
// Every server listens on 127.0.0.1 (httptest) and is closed by the test's
// cleanup. Issued tokens are random and remembered, so a test checks that
// the token a client answered is one a fake issued, to whom and for which
// scopes (Server.Lookup), rather than comparing against a constant.
package gcrtest
