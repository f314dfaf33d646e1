package kubeletconfig

import (
	"bytes"
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// ErrConfig marks a file that is not a CredentialProviderConfig.
var ErrConfig = errors.New("not a CredentialProviderConfig")

// Config is the part of a CredentialProviderConfig regcred reads.
type Config struct {
	Providers []Provider
}

// Provider is one element of `providers`.
type Provider struct {
	Name        string
	MatchImages []string
	// ServiceAccount is set when the provider has tokenAttributes: the
	// kubelet passes it the pod's service-account token.
	ServiceAccount bool
}

// wire is the YAML (or JSON) shape; the kubelet's other fields are not
// regcred's to check, so unknown keys are ignored.
type wire struct {
	Kind      string `yaml:"kind"`
	Providers []struct {
		Name            string     `yaml:"name"`
		MatchImages     []string   `yaml:"matchImages"`
		TokenAttributes *yaml.Node `yaml:"tokenAttributes"`
	} `yaml:"providers"`
}

// Parse reads a CredentialProviderConfig (YAML or JSON). path is used in
// messages only.
func Parse(path string, data []byte) (*Config, error) {
	var w wire
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&w); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrConfig, path, err)
	}
	if w.Kind != "CredentialProviderConfig" {
		return nil, fmt.Errorf("%w: %s: kind is %q", ErrConfig, path, w.Kind)
	}
	c := &Config{}
	for _, p := range w.Providers {
		sa := p.TokenAttributes != nil && !(p.TokenAttributes.Kind == yaml.ScalarNode && p.TokenAttributes.Tag == "!!null")
		c.Providers = append(c.Providers, Provider{Name: p.Name, MatchImages: p.MatchImages, ServiceAccount: sa})
	}
	return c, nil
}
