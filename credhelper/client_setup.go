package credhelper

import (
	"github.com/regcred/regcred/credhelper/cli"
	"github.com/regcred/regcred/credhelper/clientsetup"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/configpath"
)

// clientSetup is what `configure-docker` and `setup` are handed: this
// run's output, environment and config, and the entries the engine would
// try.
func (a *App) clientSetup() *clientsetup.Runner {
	return &clientsetup.Runner{
		Stdout: a.Stdout, Stderr: a.Stderr, Logger: a.Deps.Logger, Now: a.Deps.Now,
		LookupEnv: a.Env.LookupEnv, Home: a.Env.HomeDir,
		FrontName: cli.FrontName, EngineName: cli.EngineName, FetcherName: cli.FetcherName, BinDir: a.ExeDir,
		ConfigFile: userConfigFile(a),
		LoadConfig: func() (*config.Config, error) { return config.Load(a.ConfigPath, a.Env, a.Deps.Logger) },
		Entries:    func(cfg *config.Config) []*config.Entry { return NewResolver(cfg, a.Deps, nil, nil).Entries() },
	}
}

// userConfigFile is the first config file the lookup tries: the one a
// new entry is written to when no config file exists yet.
func userConfigFile(a *App) string {
	paths, _ := configpath.Candidates(a.ConfigPath, configpath.Env{LookupEnv: a.Env.LookupEnv, HomeDir: a.Env.HomeDir})
	if len(paths) == 0 {
		return ""
	}
	return paths[0]
}
