// Package jfrog is the `jfrog:` kind: a keyless pull from a JFrog
// Platform (Artifactory 7.73+). The workload's identity token
// (providers/idtoken) is traded at the platform's OIDC integration,
// `POST <url>/access/api/v1/oidc/token` (an RFC 8693 token exchange), for
// a short-lived access token; the answer's username and access token are
// the registry credential, cached until expires_in. Its fake, which checks
// the token against its issuer's JWKS, is in jfrogtest.
package jfrog
