// Package anonymous is the backend that ends the search: the client pulls
// without credentials. It is for public registries and mirrors that sit
// behind a broader pattern (mcr.microsoft.com under "*.com", say), so that
// a later entry's secret is not sent where none is needed.
package anonymous

import (
	"context"

	"github.com/regcred/regcred/providers"
)

// Config has no settings; `anonymous: {}` in the config file.
type Config struct{}

// Validate implements the config contract; there is nothing to check.
func (Config) Validate() error { return nil }

// Provider answers Anonymous for every request.
type Provider struct{}

// New returns the provider.
func New(Config, providers.Deps) (*Provider, error) { return &Provider{}, nil }

// Credential implements providers.Provider.
func (*Provider) Credential(context.Context, providers.Request) (providers.Credential, error) {
	return providers.Credential{Anonymous: true}, nil
}
