package ocir

import "github.com/regcred/regcred/providers"

// ResolvePaths implements providers.RelativePaths.
func (c *Config) ResolvePaths(dir string) {
	c.ConfigFile = providers.ResolvePath(dir, c.ConfigFile)
}
