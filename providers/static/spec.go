package static

import "github.com/regcred/regcred/providers/static/staticread"

// Spec is where c's credential lives, for a route the front reads
// (staticread.Spec): names and paths, never a secret. ok is false for an
// inline password, which stays with the engine.
func (c *Config) Spec() (staticread.Spec, bool) {
	if c.HasInlineSecret() {
		return staticread.Spec{}, false
	}
	return staticread.Spec{
		Username: c.Username, UsernameEnv: c.UsernameEnv, UsernameFile: c.UsernameFile,
		PasswordEnv: c.PasswordEnv, PasswordFile: c.PasswordFile, DockerConfig: c.DockerConfig,
	}, true
}
