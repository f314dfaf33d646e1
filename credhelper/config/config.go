package config

import (
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers/kind"
)

// Config is the parsed config file.
type Config struct {
	Cache CacheConfig `yaml:"cache"`
	// Defaults appends the built-in cloud entries after the file's entries;
	// nil means true.
	Defaults   *bool   `yaml:"defaults"`
	Registries []Entry `yaml:"registries"`
	// PullSecrets is read by regcred-controller alone (ValidatePullSecrets);
	// the helper and the engine only decode it.
	PullSecrets []PullSecret `yaml:"pullSecrets"`

	// Path is the file the config was read from; "" for the built-in default.
	Path string `yaml:"-"`
}

// CacheConfig selects and tunes the token cache.
type CacheConfig struct {
	Store string   `yaml:"store"` // auto | sealed | keyring | file | none
	Dir   string   `yaml:"dir"`
	TTL   Duration `yaml:"ttl"` // how long long-lived secrets are cached; 0 disables
	// NegativeTTL is how long "no ambient identity here" is remembered; 0
	// disables.
	NegativeTTL Duration `yaml:"negativeTTL"`
}

// Entry is one element of `registries`: a pattern and exactly one backend.
type Entry struct {
	Match  string `yaml:"match"`
	Name   string `yaml:"name"`
	Verify bool   `yaml:"verify"`

	// The backend: the entry's one kind block (static:, vault:, …). The
	// kinds' keys sit here among the entry's own (see entryShape); the
	// loader decodes every block given into blocks, and prepare keeps
	// exactly one as kind and settings (a *C of the kind's Config type).
	blocks   []block
	kind     *kind.Kind
	settings any

	// AnswersAnyPod lets an entry that does not log in with the pod's own
	// identity answer kubelet requests that carry a service-account token
	// (see PodIdentity). Off: such requests never get this entry's
	// credential.
	AnswersAnyPod bool `yaml:"answersAnyPod"`

	// Filled in by the loader.
	pattern matcher.Pattern
	source  string     // for entries not read from a file
	where   *lineIndex // for entries read from a file: their line, found on demand
	index   int        // the entry's position in the file's registries
}

// Kind is the backend's key in the config ("static", "vault", …).
func (e *Entry) Kind() string { return e.kind.Name() }

// Settings are the entry's backend settings: a pointer to its kind's
// Config type.
func (e *Entry) Settings() any { return e.settings }

// Cached says whether the entry's credentials go through the token cache.
func (e *Entry) Cached() bool { return e.kind.Cached() }

// Source is where the entry was defined: file:line, "built-in", or what the
// engine that made it says.
func (e *Entry) Source() string {
	if e.where != nil {
		return e.where.source(e.index)
	}
	return e.source
}

// NewEntry is an entry made by the engine rather than read from a file (a
// stored `docker login`, a test's fake backend), with the settings of its
// kind. The kind need not be one of the table's.
func NewEntry(match string, k *kind.Kind, settings any, source string) (*Entry, error) {
	p, err := matcher.ParsePattern(match)
	if err != nil {
		return nil, err
	}
	return &Entry{Match: match, pattern: p, kind: k, settings: settings, source: source}, nil
}

// Pattern is the parsed match pattern.
func (e *Entry) Pattern() matcher.Pattern { return e.pattern }

// String names the entry for logs and errors: its name or pattern, kind and
// where it was defined. Never a setting, so never a secret.
func (e *Entry) String() string {
	label := e.Name
	if label == "" {
		label = e.pattern.String()
	}
	return label + " (" + e.kind.Name() + ", " + e.Source() + ")"
}

// Entries are the entries a request is matched against, in config order:
// the file's, then the built-in ones unless the file says `defaults: false`.
func (c *Config) Entries() []*Entry {
	out := make([]*Entry, 0, len(c.Registries))
	for i := range c.Registries {
		out = append(out, &c.Registries[i])
	}
	if c.Defaults == nil || *c.Defaults {
		out = append(out, BuiltinEntries()...)
	}
	return out
}
