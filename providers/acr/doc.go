// Package acr is the backend for Azure Container Registry: it gets a
// Microsoft Entra ID access token for the registry scope, exchanges it at
// the registry's POST /oauth2/exchange for an ACR refresh token, and
// answers that refresh token as the password of the fixed user
// 00000000-0000-0000-0000-000000000000, with the expiry of the token's own
// exp claim, so the cache refreshes it before it dies.
//
// The Entra token comes from the first identity source configured, in the
// order of Azure's own DefaultAzureCredential: a service principal's
// client secret or certificate (the entry's clientSecretFile or
// certificateFile, else AZURE_CLIENT_SECRET or
// AZURE_CLIENT_CERTIFICATE_PATH, with the tenant and client IDs from the
// entry or AZURE_TENANT_ID and AZURE_CLIENT_ID), workload identity
// (AZURE_FEDERATED_TOKEN_FILE), the managed identity of the VM or node
// (IMDS; the entry's clientId, else AZURE_CLIENT_ID, picks a user-assigned
// identity), and last the Azure CLI's login (`az account
// get-access-token`), which a VM without a system-assigned identity (IMDS
// answers "Identity not found") also goes on to, as
// DefaultAzureCredential does; with no CLI either, that is no identity
// here (providers.ErrAbsent). The flows are azidentity's (the Azure SDK for Go),
// built one by one from values read through providers.Deps rather than
// through its EnvironmentCredential, so the cache key (Config.EnvKeys and
// Config.IdentityFiles) and the identity used always agree.
//
// Managed identity is tried only after a short probe of IMDS says this
// machine is on Azure: the SDK itself, outside DefaultAzureCredential,
// retries an absent IMDS for minutes.
//
// In kubelet service-account mode (clientIdAnnotation set), the pod's own
// token is the client assertion of a workload identity federation login at
// Entra, for the client ID its service account names (the annotation
// azure.workload.identity/client-id, as AKS workload identity uses), and no
// identity of the node takes part. With `idToken` the workload's identity
// token (a CI job's, providers/idtoken) is the assertion instead, for the
// entry's clientId and tenantId: the same login (assertionSource), keyless.
//
// An Entra token is only ever sent to an ACR login server
// (<name>.azurecr.io, .azurecr.cn, .azurecr.us), checked anchored, or to
// the one host an entry names exactly (ACR behind a name of one's own, a
// test registry); never to a host a glob matched.
package acr
