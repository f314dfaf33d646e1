package ocir

import "github.com/regcred/regcred/providers/oci/ociauth"

// Config is the `ocir:` block of a registry entry. Every field is
// optional: `ocir: {auth: instance_principal}` is the usual node setup.
type Config struct {
	// Auth is the identity: config_file (default), session_token,
	// instance_principal, resource_principal or oke_workload_identity.
	Auth string `yaml:"auth"`
	// ConfigFile and Profile select the OCI config file profile for
	// config_file and session_token.
	ConfigFile string `yaml:"configFile"`
	Profile    string `yaml:"profile"`
	// Endpoint replaces https://<registry host> as the place the token is
	// asked for (a proxy, or a test fake on loopback). The registry host
	// must still be an OCIR host.
	Endpoint string `yaml:"endpoint"`
}

// Settings are the identity settings; package ocir signs the token
// request with them.
func (c Config) Settings() ociauth.Settings {
	return ociauth.Settings{Kind: "ocir", Auth: c.Auth, ConfigFile: c.ConfigFile, Profile: c.Profile}
}

// Validate checks the settings without reading files or the network.
func (c Config) Validate() error {
	if c.Endpoint != "" {
		if _, err := ociauth.ParseEndpoint("ocir", "endpoint", c.Endpoint); err != nil {
			return err
		}
	}
	return c.Settings().Validate()
}

// EnvKeys implements providers.AmbientEnv: the variables that select the
// identity for the entry's auth method.
func (c Config) EnvKeys() []string {
	return c.Settings().EnvKeys()
}

// IdentityFiles implements providers.IdentityFiles: the config file and
// the key file its profile names, for config_file and session_token.
func (c Config) IdentityFiles(lookupEnv func(string) (string, bool)) []string {
	return c.Settings().IdentityFiles(lookupEnv)
}

// UsesPodIdentity implements providers.PodIdentity: oke_workload_identity
// logs in with the pod's service-account token.
func (c Config) UsesPodIdentity() bool { return c.Settings().UsesPodIdentity() }

// PodAnnotations implements providers.PodIdentity: no setting reads an
// annotation (the token alone says who the workload is).
func (c Config) PodAnnotations() []string { return nil }
