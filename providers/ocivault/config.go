package ocivault

import "github.com/regcred/regcred/providers/ocivault/ocivaultconfig"

// Config is the `ocivault:` block of a registry entry. It lives in
// ocivaultconfig, which links no SDK, so the front binary can decode and
// validate it; the alias keeps ocivault.Config working for everyone else.
type Config = ocivaultconfig.Config

// describe names the secret in messages: its OCID, or name and vault.
func describe(c Config) string {
	if c.SecretID != "" {
		return "secret " + c.SecretID
	}
	return "secret " + c.SecretName + " in vault " + c.VaultID
}
