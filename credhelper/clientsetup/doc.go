// Package clientsetup is `configure-docker` and `setup <client>`: the
// configuration each client needs to ask regcred (docker's config.json,
// registries.conf drop-ins, the kubelet's CredentialProviderConfig),
// printed, or written through userfile.Edit, which keeps the owner, mode,
// links and the rest of the file, and backs it up.
package clientsetup
