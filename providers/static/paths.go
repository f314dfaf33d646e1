package static

import "github.com/regcred/regcred/providers"

// ResolvePaths implements providers.RelativePaths.
func (c *Config) ResolvePaths(dir string) {
	for _, p := range []*string{&c.UsernameFile, &c.PasswordFile, &c.DockerConfig} {
		*p = providers.ResolvePath(dir, *p)
	}
}
