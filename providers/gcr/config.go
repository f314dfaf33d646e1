package gcr

import "github.com/regcred/regcred/providers/gcr/gcrconfig"

// Config is the `gcr:` block of a registry entry. It lives in gcrconfig so
// the front binary can decode and check it without linking oauth2 or
// net/http.
type Config = gcrconfig.Config
