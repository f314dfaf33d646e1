// Package jfrogtest is a fake JFrog Platform OIDC token exchange on
// 127.0.0.1 that checks what the platform checks: the RFC 8693 grant and
// token type, the named OIDC integration, the identity token's signature
// against its issuer's JWKS (oidctest.Verifier), its aud and exp, and an
// identity mapping matching its subject (and project). It refuses
// otherwise, with JFrog's error shape, and remembers the access tokens it
// issued (for leak scans, and for a registry's token server to accept).
package jfrogtest
