package config

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"go.yaml.in/yaml/v3"
)

// yamlBlock is a fenced YAML block of a Markdown file.
var yamlBlock = regexp.MustCompile("(?s)```ya?ml\n(.*?)```")

// TestDocsConfigSnippetsLoad: every regcred config a user would paste from
// README.md or docs/ loads as written. A block is a regcred config when
// its top level holds registries (and nothing but cache and defaults
// beside it); fragments and other files' snippets are left to their own
// tests.
func TestDocsConfigSnippetsLoad(t *testing.T) {
	files, err := filepath.Glob("../../docs/*.md")
	require.NoError(t, err)
	files = append(files, "../../README.md")
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range yamlBlock.FindAllSubmatchIndex(data, -1) {
			block := data[m[2]:m[3]]
			if !isConfigSnippet(block) {
				continue
			}
			line := 1 + strings.Count(string(data[:m[2]]), "\n")
			name := filepath.Base(f) + ":" + strconv.Itoa(line)
			t.Run(name, func(t *testing.T) {
				_, err := Parse(name, block)
				assert.NoError(t, err, "the snippet at %s does not load", name)
			})
			checked++
		}
	}
	require.GreaterOrEqual(t, checked, 5, "config snippets found in the docs; fewer prove little")
}

func isConfigSnippet(block []byte) bool {
	var top map[string]yaml.Node
	if yaml.Unmarshal(block, &top) != nil {
		return false
	}
	if _, ok := top["registries"]; !ok {
		return false
	}
	for k := range top {
		if k != "registries" && k != "cache" && k != "defaults" {
			return false
		}
	}
	return true
}
