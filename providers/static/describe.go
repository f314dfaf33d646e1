package static

import "github.com/regcred/regcred/providers"

// SecretSource implements providers.SecretSource: where the password
// comes from, named as the config names it (a file or variable name shown
// only when shaped like one).
func (c *Config) SecretSource() string {
	switch {
	case c.DockerConfig != "":
		return "dockerConfig " + providers.ShowPath(c.DockerConfig)
	case c.PasswordFile != "":
		return "passwordFile " + providers.ShowPath(c.PasswordFile)
	case c.PasswordEnv != "":
		return "passwordEnv " + providers.ShowEnvName(c.PasswordEnv)
	case c.Password != "":
		return "the inline password"
	}
	return ""
}
