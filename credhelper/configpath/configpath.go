package configpath

import "path/filepath"

// System is the last place a config is looked for.
const System = "/etc/regcred/config.yaml"

// Env is what the lookup needs from the process environment.
type Env struct {
	LookupEnv func(string) (string, bool)
	HomeDir   string
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
	return append(paths, System), false
}
