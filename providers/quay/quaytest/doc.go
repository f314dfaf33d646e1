// Package quaytest is a fake Quay robot federation endpoint on 127.0.0.1
// that checks what Quay checks: HTTP Basic with a robot that exists, the
// identity token's signature against its issuer's JWKS
// (oidctest.Verifier), its exp, and a federation entry of that robot
// naming the token's issuer and subject. Like Quay it does not check aud.
// It answers a signed robot token valid for an hour and remembers the
// tokens it issued.
package quaytest
