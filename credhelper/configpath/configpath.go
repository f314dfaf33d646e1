package configpath

import "path/filepath"

// System is the last place a config is looked for.
const System = "/etc/regcred/config.yaml"

// Env is what the lookup needs from the process environment.
type Env struct {
	LookupEnv func(string) (string, bool)
	HomeDir   string
	// SystemPath replaces System when set: tests must not depend on what
	// the machine has in /etc (a package install puts a config there).
	SystemPath string
}

// Candidates lists where a config may be, in lookup order, and whether a
// missing file there is an error (it is when the user named it, with the
// --config flag or $REGCRED_CONFIG).
func Candidates(flagPath string, env Env) (paths []string, explicit bool) {
	if flagPath != "" {
		return []string{flagPath}, true
	}
	if p, ok := env.LookupEnv("REGCRED_CONFIG"); ok && p != "" {
		return []string{p}, true
	}
	if dir, ok := env.LookupEnv("XDG_CONFIG_HOME"); ok && dir != "" {
		paths = append(paths, filepath.Join(dir, "regcred", "config.yaml"))
	} else if env.HomeDir != "" {
		paths = append(paths, filepath.Join(env.HomeDir, ".config", "regcred", "config.yaml"))
	}
	if env.SystemPath != "" {
		return append(paths, env.SystemPath), false
	}
	return append(paths, System), false
}
