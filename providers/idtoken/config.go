package idtoken

import (
	"fmt"
	"slices"

	"github.com/regcred/regcred/providers"
)

// The sources of an identity token (Config.From).
const (
	FromAuto      = "auto"
	FromGitHub    = "github"
	FromBuildkite = "buildkite"
	FromEnv       = "env"
	FromFile      = "file"
)

// Sources lists the values From takes, in the order the docs list them.
func Sources() []string {
	return []string{FromAuto, FromGitHub, FromBuildkite, FromEnv, FromFile}
}

// Config is an entry's `idToken:` block.
type Config struct {
	// From names the source; empty is `auto`, or `env` / `file` when Env
	// or File is set.
	From string `yaml:"from"`
	// Audience is the `aud` asked of a CI that issues tokens on request
	// (github, buildkite); for env and file tokens, the audience the token
	// must carry. Empty: the CI's default audience, and no check.
	Audience string `yaml:"audience"`
	// Env names the variable holding the token (from: env).
	Env string `yaml:"env"`
	// File is the path of a file holding the token (from: file).
	File string `yaml:"file"`
}

// Source returns the effective source name.
func (c Config) Source() string {
	switch {
	case c.From != "":
		return c.From
	case c.Env != "":
		return FromEnv
	case c.File != "":
		return FromFile
	}
	return FromAuto
}

// Validate checks the block without I/O.
func (c Config) Validate() error {
	src := c.Source()
	switch {
	case !slices.Contains(Sources(), src):
		return fmt.Errorf("%w: idToken.from %q is not one of %v", providers.ErrInvalid, c.From, Sources())
	case c.Env != "" && c.File != "":
		return fmt.Errorf("%w: idToken: set env or file, not both", providers.ErrInvalid)
	case src == FromEnv && c.Env == "":
		return fmt.Errorf("%w: idToken.from is env: name the variable holding the token in idToken.env", providers.ErrInvalid)
	case src == FromEnv && providers.ShowEnvName(c.Env) != c.Env:
		return fmt.Errorf("%w: idToken.env %s is not a variable name (upper-case letters, digits and _)", providers.ErrInvalid, providers.ShowEnvName(c.Env))
	case src == FromFile && c.File == "":
		return fmt.Errorf("%w: idToken.from is file: name the file holding the token in idToken.file", providers.ErrInvalid)
	case c.Env != "" && src != FromEnv, c.File != "" && src != FromFile:
		return fmt.Errorf("%w: idToken.env and idToken.file go with from: env and from: file, not from: %s", providers.ErrInvalid, src)
	}
	return nil
}

// ResolvePath turns a relative File into one under the config's
// directory (providers.ResolvePath).
func (c *Config) ResolvePath(dir string) { c.File = providers.ResolvePath(dir, c.File) }

// Trader is implemented by a kind's settings that trade an identity token:
// the resolver fetches the token once per `get` and keys the token cache
// by its claims. ok is false when these settings trade none (an ecr entry
// without idToken).
type Trader interface {
	IdentityToken() (c Config, ok bool)
}

// Defaulted is a kind's IdentityToken answer: c, when the kind's settings
// have one, with audience as its Audience unless it names its own.
func Defaulted(c *Config, audience string) (Config, bool) {
	if c == nil {
		return Config{}, false
	}
	t := *c
	if t.Audience == "" {
		t.Audience = audience
	}
	return t, true
}

// UsesPodToken says whether, in a kubelet request carrying a pod's
// service-account token, that token is the identity token (`from: auto`).
func (c Config) UsesPodToken() bool { return c.Source() == FromAuto }
