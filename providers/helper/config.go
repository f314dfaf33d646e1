package helper

import (
	"fmt"
	"path/filepath"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/helperexec"
)

// Config is the `helper:` block: exactly one of Name and Path.
type Config struct {
	// Name is the helper's name as docker's config spells it ("desktop"):
	// the executable docker-credential-<name> on PATH.
	Name string `yaml:"name"`
	// Path is the helper's executable, an absolute path.
	Path string `yaml:"path"`
}

// Validate checks the block without I/O; that the helper is not regcred
// itself (as a file) is checked again when it is run.
func (c Config) Validate() error {
	switch {
	case c.Name == "" && c.Path == "":
		return fmt.Errorf("%w: helper: set exactly one of name, path (got none)", providers.ErrInvalid)
	case c.Name != "" && c.Path != "":
		return fmt.Errorf("%w: helper: set exactly one of name, path (got name and path)", providers.ErrInvalid)
	case c.Name != "":
		if err := helperexec.CheckName(c.Name); err != nil {
			return fmt.Errorf("helper: %w", err)
		}
	case !filepath.IsAbs(c.Path):
		return fmt.Errorf("%w: helper: path must be absolute (a name is looked up on PATH as %s<name>)", providers.ErrInvalid, helperexec.Prefix)
	case helperexec.IsSelfName(filepath.Base(c.Path)):
		return fmt.Errorf("%w: helper: path %s is regcred itself, which would ask itself", providers.ErrInvalid, c.Path)
	}
	return nil
}
