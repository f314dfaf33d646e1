package ecr

import "github.com/regcred/regcred/providers/ecr/ecrconfig"

// Config is the `ecr:` settings of a registry entry. It lives in ecrconfig
// so the front binary can decode and check it without linking the AWS SDK.
type Config = ecrconfig.Config
