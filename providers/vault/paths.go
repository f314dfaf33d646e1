package vault

import "github.com/regcred/regcred/providers"

// ResolvePaths implements providers.RelativePaths.
func (c *Config) ResolvePaths(dir string) {
	for _, p := range []*string{&c.CACert, &c.CAPath, &c.ClientCert, &c.ClientKey,
		&c.Auth.RoleIDFile, &c.Auth.SecretIDFile, &c.Auth.JWTFile, &c.Auth.TokenFile} {
		*p = providers.ResolvePath(dir, *p)
	}
	if c.Auth.IDToken != nil {
		c.Auth.IDToken.ResolvePath(dir)
	}
}
