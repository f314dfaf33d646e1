// Package check is `docker-credential-regcred check`: it validates the
// config, says what each entry serves, resolves each entry (or the named
// requests) as a client's request would, optionally proves the credentials
// at the registries (package verify), reads a kubelet
// CredentialProviderConfig for overlapping providers, and notes docker
// logins docker no longer reaches. The report never holds a secret. The
// engine hands it a Runner with the resolver behind check.Resolver, so this
// package never imports the engine's.
package check
