package config

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// Duration reads Go duration strings ("5m", "1h30m") from YAML, where a bare
// integer would be ambiguous between seconds and nanoseconds.
type Duration struct {
	time.Duration
	Set bool
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a duration such as \"5m\"", n.Line)
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		// The value is not quoted: it may be a secret typed in the wrong place.
		return fmt.Errorf("line %d: not a duration such as \"5m\" or \"0s\"", n.Line)
	}
	d.Duration, d.Set = v, true
	return nil
}
