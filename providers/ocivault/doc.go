// Package ocivault is the backend for registry credentials kept in OCI
// Vault, in the format OCI Container Instances uses for image pull
// secrets: the secret's content is base64 of a JSON object
//
//	{"username": "…", "password": "…"}
//
// Other fields are ignored. Content that is not base64, not a JSON object,
// or lacks either string field is an error (providers.ErrInvalid) naming
// the secret and version and what is missing, never quoting the content.
//
// # Settings
//
//	ocivault:
//	  secretId: ocid1.vaultsecret.oc1.iad.…    # or:
//	  secretName: registry-pull                # with
//	  vaultId: ocid1.vault.oc1.iad.…
//	  stage: CURRENT          # default; LATEST, PENDING, PREVIOUS, DEPRECATED
//	  versionNumber: 3        # instead of a stage
//	  auth: instance_principal
//	  configFile: ~/.oci/config   # config_file and session_token only
//	  profile: DEFAULT
//	  region: us-ashburn-1    # default: the region in the OCID, else the identity's
//	  endpoint: https://…     # replaces https://secrets.vaults.<region>.oci.oraclecloud.com
//
// `auth` is one of config_file (default; alias api_key), session_token
// (alias security_token), instance_principal, resource_principal and
// oke_workload_identity; package ociauth describes each and the variables
// they read (Config.EnvKeys lists them for the cache key, and
// Config.IdentityFiles the config file and the profile's key file, whose
// content the key hashes). With
// oke_workload_identity in kubelet mode, a service-account token the
// kubelet passes is used instead of the pod token file.
//
// # Calls
//
// GetSecretBundle (by OCID) or GetSecretBundleByName (name and vault
// OCID), with stage CURRENT unless the entry names a stage or version.
// The credential's ExpiresAt is the version's TimeOfExpiry, or its
// TimeOfDeletion when that comes first, so the cache never outlives the
// version; a version already past it is refused.
//
// New reads nothing and dials nothing. The first Credential call resolves
// the identity and builds the SDK client, which is then kept. The client
// is tuned so that one failing secret costs seconds: three attempts at
// most, each bounded by ocisdk.AttemptTimeout, retrying only 429 and 5xx
// answers and transport failures, no circuit breaker, and the caller's
// context (or ocisdk.CallBudget) bounding the whole.
//
// # Errors
//
// 404 NotAuthorizedOrNotFound is providers.ErrNotFound (OCI gives it both
// for a missing secret and for one the identity may not read); 401 and
// 403 are ErrDenied; 429, 5xx, timeouts and unreachable endpoints are
// ErrUnavailable; a missing or unusable identity is ErrNoIdentity.
//
// Tests run the real SDK against the fakes in package ocitest, which
// verify every request's OCI signature.
package ocivault
