package kubeletconfig

import (
	"bytes"
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Merge puts generated's providers into existing, a CredentialProviderConfig
// the node already has: the providers named in ours are replaced (or
// added), every other provider and top-level field is kept. An empty
// existing file is generated as is. existing that is not a
// CredentialProviderConfig is an error: the kubelet's file is not regcred's
// to overwrite. path is used in messages only.
func Merge(path string, existing, generated []byte, ours []string) ([]byte, error) {
	if len(bytes.TrimSpace(existing)) == 0 {
		return generated, nil
	}
	if _, err := Parse(path, existing); err != nil {
		return nil, err
	}
	doc, err := documentMapping(path, existing)
	if err != nil {
		return nil, err
	}
	gen, err := documentMapping("generated CredentialProviderConfig", generated)
	if err != nil {
		return nil, err
	}
	providers := mappingValue(doc, "providers")
	if providers == nil || providers.Kind != yaml.SequenceNode {
		providers = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		setMappingValue(doc, "providers", providers)
	}
	providers.Content = slices.DeleteFunc(providers.Content, func(p *yaml.Node) bool {
		name := mappingValue(p, "name")
		return name != nil && slices.Contains(ours, name.Value)
	})
	if g := mappingValue(gen, "providers"); g != nil {
		providers.Content = append(providers.Content, g.Content...)
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("%s: writing the merged providers: %w", path, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("%s: writing the merged providers: %w", path, err)
	}
	return out.Bytes(), nil
}

// documentMapping is data's top-level mapping node.
func documentMapping(path string, data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrConfig, path, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: %s: not a mapping", ErrConfig, path)
	}
	return doc.Content[0], nil
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func setMappingValue(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}
