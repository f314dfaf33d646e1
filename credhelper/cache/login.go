package cache

// LoginKey is the store key of registry's `docker login` credential,
// derived from the normalised registry alone.
func LoginKey(registry string) string { return Key("regcred-login/1", registry) }
