package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/regcred/regcred/providers"

	"go.yaml.in/yaml/v3"

	"github.com/regcred/regcred/matcher"
)

// maxConfigSize bounds what is read from a config file; a real one is a few
// KiB, and reading it happens on every request.
const maxConfigSize = 1 << 20

// ErrConfig marks every config problem, so callers can tell a broken config
// from a failing backend.
var ErrConfig = errors.New("invalid config")

// Parse decodes and validates a config file's content. path is used
// in messages only. Every problem found is reported, each as path:line.
func Parse(path string, data []byte) (*Config, error) {
	if len(data) > maxConfigSize {
		return nil, fmt.Errorf("%w: %s: larger than %d bytes", ErrConfig, path, maxConfigSize)
	}
	cfg := &Config{Path: path}
	if err := decodeStrict(data, cfg); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrConfig, describeYAMLError(path, err))
	}
	var problems []string
	if err := cfg.Cache.Validate(); err != nil {
		problems = append(problems, fmt.Sprintf("%s: cache: %v", path, err))
	}
	where := &lineIndex{path: path, data: data}
	dir := configDir(path)
	for i := range cfg.Registries {
		e := &cfg.Registries[i]
		e.where, e.index = where, i
		if err := e.prepare(); err != nil {
			problems = append(problems, fmt.Sprintf("%s: registries[%d]: %v", e.Source(), i, err))
			continue
		}
		if r, ok := e.settings.(providers.RelativePaths); ok {
			r.ResolvePaths(dir)
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w:\n  %s", ErrConfig, strings.Join(problems, "\n  "))
	}
	return cfg, nil
}

func decodeStrict(data []byte, cfg *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty file is an empty config
		}
		return err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return errors.New("more than one YAML document; regcred reads one")
	}
	return nil
}

// entryLines returns the line of each registries element. The strict decode
// above has already succeeded, so the shape is known to be right.
func entryLines(data []byte) []int {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "registries" {
			var lines []int
			for _, n := range resolveAlias(root.Content[i+1]).Content {
				lines = append(lines, n.Line)
			}
			return lines
		}
	}
	return nil
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// prepare parses the pattern, keeps the one kind block the entry gave and
// validates its settings.
func (e *Entry) prepare() error {
	var errs []string
	if e.Match == "" {
		errs = append(errs, `"match" is required (a registry pattern such as "registry.example.com/team")`)
	} else if p, err := matcher.ParsePattern(e.Match); err != nil {
		errs = append(errs, fmt.Sprintf("match: %v", err))
	} else {
		e.pattern = p
	}
	switch len(e.blocks) {
	case 0:
		errs = append(errs, "no backend: add exactly one of "+strings.Join(KindNames(), ", "))
	case 1:
		e.kind, e.settings = e.blocks[0].kind, e.blocks[0].settings
		if err := e.kind.Validate(e.settings); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", e.kind.Name(), err))
		} else if err := e.checkPodIdentity(); err != nil {
			errs = append(errs, err.Error())
		}
	default:
		names := make([]string, len(e.blocks))
		for i, b := range e.blocks {
			names[i] = b.kind.Name()
		}
		errs = append(errs, "more than one backend ("+strings.Join(names, ", ")+"); an entry has exactly one — use two entries with the same match for a fallback")
	}
	e.blocks = nil
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

// Validate checks the store name.
func (c CacheConfig) Validate() error {
	switch c.Store {
	case "", "auto", "sealed", "keyring", "file", "none":
		return nil
	}
	return errors.New("store is not one of auto, sealed, keyring, file, none")
}

// configDir is the directory relative file paths in the config at path
// are read from: the config's own, whatever directory the client runs in.
func configDir(path string) string {
	if path == "" {
		return ""
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	return filepath.Dir(abs)
}
