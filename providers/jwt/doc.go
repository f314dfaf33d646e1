// Package jwt is the `jwt:` kind: the workload's identity token itself is
// the password, for registries that verify it directly — Harbor's
// federated robot accounts, zot, token servers such as jwt-registry-auth.
// Not cached: the token is the credential, and it is never written to
// disk; every `get` fetches it afresh (providers/idtoken).
package jwt
