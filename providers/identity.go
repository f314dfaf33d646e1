package providers

// AmbientEnv is implemented by a backend's Config when the backend reads
// identity from the environment (AWS_PROFILE, GOOGLE_APPLICATION_CREDENTIALS,
// VAULT_TOKEN …). The cache folds a hash of those variables' values into its
// key, so switching identities never serves another identity's token.
type AmbientEnv interface {
	// EnvKeys lists the variable names whose values select the identity.
	EnvKeys() []string
}

// IdentityFiles is implemented by a backend's Config when a local file
// selects the identity (Vault's ~/.vault-token, written anew by every
// `vault login`). The cache folds a hash of each file's content into its
// key, so a new login never gets the previous identity's cached token. The
// lookup function resolves "~/" against HOME from the environment given.
type IdentityFiles interface {
	IdentityFiles(lookupEnv func(string) (string, bool)) []string
}
