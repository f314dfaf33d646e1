// Package quay is the `quay:` kind: a keyless pull from Quay (3.13+) or
// quay.io through robot account federation. The workload's identity token
// (providers/idtoken) is sent as the robot's password to
// `GET <url>/oauth2/federation/robot/token`; the answer's token is the
// robot's password for about an hour, cached until it expires. Quay checks
// the token's signature, issuer and subject against the robot's
// federation entries (not its audience). Its fake is in quaytest.
package quay
