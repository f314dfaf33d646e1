// Package ociauth holds the identity settings the two OCI kinds share
// (ocivault and ocir): the `auth`, `configFile`, `profile` and `region`
// settings (Settings), the environment variables that select an identity
// (Env*), and the endpoint override check (ParseEndpoint).
//
// Settings are plain data, checked without I/O and hashed into the cache
// key; package ocisdk turns them into a signing identity.
//
// # Identities
//
// The `auth` setting takes these values (the OCI CLI's --auth spellings
// api_key and security_token are accepted as aliases):
//
//   - config_file (default): an API-key profile of an OCI config file:
//     `configFile`, else $OCI_CONFIG_FILE, $OCI_CLI_CONFIG_FILE, else
//     ~/.oci/config; `profile`, else $OCI_CLI_PROFILE, else DEFAULT.
//   - session_token: a profile made by `oci session authenticate` (its
//     security_token_file and key_file), same file and profile lookup.
//   - instance_principal: the compute instance's certificate from the
//     metadata service, exchanged at the auth service for a session token.
//   - resource_principal: OCI Functions, Container Instances and other
//     services' resource principal (OCI_RESOURCE_PRINCIPAL_* variables).
//   - oke_workload_identity: an OKE pod's service-account token exchanged
//     at the cluster's proxymux for a resource-principal token.
//
// `region` overrides the identity's region. Settings.EnvKeys lists the
// variables each method reads, for the cache key.
package ociauth
