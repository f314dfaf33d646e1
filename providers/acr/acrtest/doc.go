// Package acrtest holds fakes of the Azure services the acr backend talks
// to, for unit and end-to-end tests: Microsoft Entra ID's token endpoint
// (and the OpenID configuration MSAL reads first), the Instance Metadata
// Service's managed-identity endpoint, an ACR login server's
// /oauth2/exchange, and an `az` executable.
//
// The fakes check what the real services check. Entra verifies a client
// secret; a certificate's client assertion by its RS256 or PS256 signature
// against the registered certificate's key (found by its x5t#S256 or x5t
// thumbprint), its audience (the token endpoint), issuer, subject and
// lifetime; and a federated token (a pod's, a CI job's) by a federated
// credential of the app naming its issuer, the signature against that
// issuer's JWKS (fetched through its discovery document, as Entra does),
// its lifetime, and a credential naming its audience and subject,
// answering with the AADSTS codes and error shape Entra sends (trace and
// correlation IDs, timestamp). IMDS refuses requests without `Metadata: true` and
// identities not assigned. The registry's exchange accepts only live
// tokens this Entra issued, for the registry's audience, to principals
// granted pull, and answers refresh tokens that are JWTs with a real exp.
//
// Every server listens on 127.0.0.1 with TLS from a CA of the Cloud's own
// (IMDS is plain http, as the real one); Cloud.Client dials
// login.microsoftonline.com, *.azurecr.io and 169.254.169.254 to them, so
// the backend runs unchanged, its real defaults included, and nothing
// leaves the machine.
package acrtest
