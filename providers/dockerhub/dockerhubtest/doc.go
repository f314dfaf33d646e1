// Package dockerhubtest is a fake of Docker's identity service token
// exchange on 127.0.0.1 (POST /oauth/token, as docker/login-action calls
// it) that checks what the service checks: the form-encoded RFC 8693
// grant, an OIDC connection that exists, the identity token's signature
// against its issuer's JWKS (oidctest.Verifier), its audience (the
// service's URL) and exp, the connection's subject, and expires_in within
// 300–3600 s. It refuses otherwise and remembers the tokens it issued.
package dockerhubtest
