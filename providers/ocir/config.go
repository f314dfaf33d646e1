package ocir

import "github.com/regcred/regcred/providers/ocir/ocirconfig"

// Config is the `ocir:` block of a registry entry. It lives in ocirconfig,
// which links no SDK, so the front binary can decode and validate it; the
// alias keeps ocir.Config working for everyone else.
type Config = ocirconfig.Config
