package gcr

import "github.com/regcred/regcred/providers"

// ResolvePaths implements providers.RelativePaths.
func (c *Config) ResolvePaths(dir string) {
	c.CredentialsFile = providers.ResolvePath(dir, c.CredentialsFile)
	if c.IDToken != nil {
		c.IDToken.ResolvePath(dir)
	}
}
