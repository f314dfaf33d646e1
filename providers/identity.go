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

// PodIdentity is implemented by a backend's Config when the backend can log
// in with the service-account token the kubelet passes for a pod (kubelet
// service-account mode). The resolver and the config loader use it to keep
// one pod's request from being answered with another identity: a config
// that does not implement it never uses the pod's token.
type PodIdentity interface {
	// UsesPodIdentity reports whether, in a request carrying a
	// service-account token, the backend logs in with that token and
	// nothing else: no identity of the node (files, environment, instance
	// metadata) takes part in the login.
	UsesPodIdentity() bool
	// PodAnnotations lists the service-account annotation keys the settings
	// read to choose an identity (a role, a role ARN, a client ID, an
	// audience). An identity a pod names must only be used with that pod's
	// own token: the config loader refuses settings that list annotations
	// while UsesPodIdentity is false.
	PodAnnotations() []string
}

// IdentitySource is implemented by a backend's Config that can say, for
// people (`check`), where its identity comes from: "gcloud login",
// "the pod's service-account token" … Never a secret.
type IdentitySource interface {
	IdentitySource() string
}
