// Package ocirconfig is the `ocir:` block of a registry entry: its
// fields, its static checks (Validate), the environment variables that
// select its identity (EnvKeys) and the patterns that cover every OCIR
// host (DefaultPatterns). Package ocir fetches the registry token.
//
// It links no OCI SDK and no net/http, so the front binary can decode and
// validate an ocir entry and compute its cache key without paying for the
// SDK's package initialisation; a test keeps it so.
package ocirconfig
