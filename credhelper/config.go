package credhelper

import (
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers/anonymous"
	"github.com/regcred/regcred/providers/ecr"
	"github.com/regcred/regcred/providers/gcr"
	"github.com/regcred/regcred/providers/ocir"
	"github.com/regcred/regcred/providers/ocivault"
	"github.com/regcred/regcred/providers/static"
	"github.com/regcred/regcred/providers/vault"
)

// Config is the parsed config file.
type Config struct {
	Cache CacheConfig `yaml:"cache"`
	// Defaults appends the built-in cloud entries after the file's entries;
	// nil means true.
	Defaults   *bool   `yaml:"defaults"`
	Registries []Entry `yaml:"registries"`

	// Path is the file the config was read from; "" for the built-in default.
	Path string `yaml:"-"`
}

// CacheConfig selects and tunes the token cache.
type CacheConfig struct {
	Store string   `yaml:"store"` // auto | keyring | file | none
	Dir   string   `yaml:"dir"`
	TTL   Duration `yaml:"ttl"` // how long long-lived secrets are cached; 0 disables
}

// Entry is one element of `registries`: a pattern and exactly one backend.
type Entry struct {
	Match  string `yaml:"match"`
	Name   string `yaml:"name"`
	Verify bool   `yaml:"verify"`

	Static    *static.Config    `yaml:"static"`
	Anonymous *anonymous.Config `yaml:"anonymous"`
	Vault     *vault.Config     `yaml:"vault"`
	ECR       *ecr.Config       `yaml:"ecr"`
	GCR       *gcr.Config       `yaml:"gcr"`
	OCIVault  *ocivault.Config  `yaml:"ocivault"`
	OCIR      *ocir.Config      `yaml:"ocir"`

	// Filled in by the loader.
	pattern matcher.Pattern
	kind    *kindSpec
	line    int
	source  string
}

// Kind is the backend's key in the config ("static", "vault", …).
func (e *Entry) Kind() string { return e.kind.name }

// Pattern is the parsed match pattern.
func (e *Entry) Pattern() matcher.Pattern { return e.pattern }

// String names the entry for logs and errors: its name or pattern, kind and
// where it was defined. Never a setting, so never a secret.
func (e *Entry) String() string {
	label := e.Name
	if label == "" {
		label = e.pattern.String()
	}
	return label + " (" + e.kind.name + ", " + e.source + ")"
}
