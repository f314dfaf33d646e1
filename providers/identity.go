package providers

// AmbientEnv is implemented by a backend's Config when the backend reads
// identity from the environment (AWS_PROFILE, GOOGLE_APPLICATION_CREDENTIALS,
// VAULT_TOKEN …). The cache folds a hash of those variables' values into its
// key, so switching identities never serves another identity's token.
type AmbientEnv interface {
	// EnvKeys lists the variable names whose values select the identity.
	EnvKeys() []string
}
