package ocivault

import (
	"strings"

	"github.com/regcred/regcred/providers/oci/ociauth"
)

// Config is the `ocivault:` block of a registry entry.
type Config struct {
	// SecretID is the secret's OCID (ocid1.vaultsecret.…). Either it, or
	// SecretName with VaultID.
	SecretID string `yaml:"secretId"`
	// SecretName is the secret's name in the vault VaultID (ocid1.vault.…).
	SecretName string `yaml:"secretName"`
	VaultID    string `yaml:"vaultId"`

	// Stage picks the version by rotation state: CURRENT (the default),
	// LATEST, PENDING, PREVIOUS or DEPRECATED.
	Stage string `yaml:"stage"`
	// VersionNumber pins one version instead of a stage.
	VersionNumber int64 `yaml:"versionNumber"`

	// Auth is the identity: config_file (default), session_token,
	// instance_principal, resource_principal or oke_workload_identity.
	Auth string `yaml:"auth"`
	// ConfigFile and Profile select the OCI config file profile for
	// config_file and session_token.
	ConfigFile string `yaml:"configFile"`
	Profile    string `yaml:"profile"`
	// Region of the vault. Default: the region in the secret's OCID, else
	// the identity's.
	Region string `yaml:"region"`
	// Endpoint replaces https://secrets.vaults.<region>.oci.oraclecloud.com
	// (a private endpoint, a proxy, or a test fake on loopback).
	Endpoint string `yaml:"endpoint"`
}

// Settings are the identity settings, with the region resolved; package
// ocivault signs its requests with them.
func (c Config) Settings() ociauth.Settings {
	return ociauth.Settings{
		Kind:       "ocivault",
		Auth:       c.Auth,
		ConfigFile: c.ConfigFile,
		Profile:    c.Profile,
		Region:     c.region(),
	}
}

// region is the configured region, else the one in the secret's or the
// vault's OCID (ocid1.<type>.<realm>.<region>.<unique>), so that an
// identity from another region still asks the vault's region.
func (c Config) region() string {
	if c.Region != "" {
		return c.Region
	}
	for _, ocid := range []string{c.SecretID, c.VaultID} {
		if parts := strings.Split(ocid, "."); len(parts) >= 5 && parts[3] != "" {
			return parts[3]
		}
	}
	return ""
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

// describe names the secret in messages: its OCID, or name and vault.
func describe(c Config) string {
	if c.SecretID != "" {
		return "secret " + c.SecretID
	}
	return "secret " + c.SecretName + " in vault " + c.VaultID
}
