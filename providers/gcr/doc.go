// Package gcr is the backend for Google Container Registry and Artifact
// Registry: it answers the username `oauth2accesstoken` and a Google OAuth
// 2.0 access token as the password, with the token's expiry, so the cache
// refreshes it before the hour is up.
//
// The identity comes from `credentialsFile` when the entry sets it, else
// from Application Default Credentials, looked up in gcloud's order:
// GOOGLE_APPLICATION_CREDENTIALS, gcloud's ADC file
// ($CLOUDSDK_CONFIG or ~/.config/gcloud/application_default_credentials.json),
// then the metadata server of Compute Engine, GKE, Cloud Run and Cloud
// Build (169.254.169.254, or GCE_METADATA_HOST). A credentials file may be
// a service-account key, gcloud's user login (authorized_user), a workload
// identity federation configuration (external_account,
// external_account_authorized_user) or an impersonated_service_account
// file; golang.org/x/oauth2/google turns it into tokens. With
// `impersonateServiceAccount`, the identity found is exchanged for that
// service account's token through the IAM Credentials API.
//
// With `workloadIdentityProvider` an OIDC token is exchanged at Google STS
// for that pool provider instead: the pod's own token in kubelet
// service-account mode, or, with `idToken`, the workload's identity token
// (a CI job's, providers/idtoken) — keyless, no identity of the machine
// taking part. Both go through one STS source (federatedSource), then
// impersonation when a service account is named.
//
// The ADC lookup reads the environment through providers.Deps rather than
// the library's own os.Getenv, so the cache key (Config.EnvKeys, and the
// content of the one credentials file Config.IdentityFiles names) and the
// identity always agree, and tests need no process-wide environment. The
// metadata server is spoken to directly for the same reason, and so that a
// machine off Google Cloud learns within a short probe that there is none.
//
// New reads nothing and touches no network; Credential does all of it, on
// every call, with the HTTP client of netdeps.Deps. Tokens are not kept
// between calls: the resolver's cache does that.
//
// A Google token is only ever sent to a Google registry host. Credential
// checks the request's host itself, anchored (IsGoogleRegistry), whatever
// pattern the entry matched, and refuses look-alikes such as
// gcr.io.evil.example or a port on a Google name.
package gcr
