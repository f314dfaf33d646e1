// Package ocivaultconfig is the `ocivault:` block of a registry entry:
// its fields, its static checks (Validate) and the environment variables
// that select its identity (EnvKeys). Package ocivault reads the secret
// it names.
//
// It links no OCI SDK and no net/http, so the front binary can decode and
// validate an ocivault entry and compute its cache key without paying for
// the SDK's package initialisation; a test keeps it so.
package ocivaultconfig
