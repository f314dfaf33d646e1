package clientsetup

import (
	"bytes"
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers/helper"
)

// newServers are the registries of listed (a helper's `list`: server →
// username) that have no `helper: {name: store}` entry in cfg yet, as
// patterns (host[:port], Docker Hub as docker.io), sorted.
func newServers(cfg *config.Config, store string, listed map[string]string) []string {
	have := map[string]bool{}
	for _, e := range cfg.Registries {
		if h, ok := e.Settings().(*helper.Config); ok && e.Kind() == "helper" && h.Name == store {
			have[e.Pattern().String()] = true
		}
	}
	var out []string
	for server := range listed {
		t, err := matcher.Normalize(server)
		if err != nil || have[t.Registry()] {
			continue
		}
		out = append(out, t.Registry())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// addHelperEntries appends one `helper: {name: store}` entry per server
// to the registries of the regcred config old, keeping the rest of the
// file (comments included) as yaml.v3 re-renders it.
func addHelperEntries(old []byte, store string, servers []string) ([]byte, error) {
	var doc yaml.Node
	if len(bytes.TrimSpace(old)) > 0 {
		if err := yaml.Unmarshal(old, &doc); err != nil {
			return nil, fmt.Errorf("not YAML: %w", err)
		}
	}
	if doc.Kind == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("the top level is not a mapping")
	}
	var regs *yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		if top.Content[i].Value == "registries" {
			regs = top.Content[i+1]
		}
	}
	if regs == nil || regs.Tag == "!!null" {
		if regs == nil {
			regs = &yaml.Node{}
			top.Content = append(top.Content, str("registries"), regs)
		}
		*regs = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	}
	if regs.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("registries is not a list")
	}
	for _, s := range servers {
		block := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle, Content: []*yaml.Node{str("name"), str(store)}}
		regs.Content = append(regs.Content, &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
			str("match"), str(s), str("helper"), block,
		}})
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func str(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
