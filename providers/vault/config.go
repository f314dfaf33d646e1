package vault

import "github.com/regcred/regcred/providers/vault/vaultconfig"

// Aliases: the settings live in vaultconfig, which the front binary links without net/http or the AWS SDK.
type (
	Config = vaultconfig.Config
	Auth   = vaultconfig.Auth
)
