package credhelper

import (
	"github.com/regcred/regcred/credhelper/cli"
	"github.com/regcred/regcred/credhelper/clientsetup"
	"github.com/regcred/regcred/credhelper/config"
)

// clientSetup is what `configure-docker` and `setup` are handed: this
// run's output, environment and config, and the entries the engine would
// try.
func (a *App) clientSetup() *clientsetup.Runner {
	return &clientsetup.Runner{
		Stdout: a.Stdout, Stderr: a.Stderr, Logger: a.Deps.Logger, Now: a.Deps.Now,
		LookupEnv: a.Env.LookupEnv, Home: a.Env.HomeDir,
		FrontName: cli.FrontName, EngineName: cli.EngineName, BinDir: a.ExeDir,
		LoadConfig: func() (*config.Config, error) { return config.Load(a.ConfigPath, a.Env, a.Deps.Logger) },
		Entries:    func(cfg *config.Config) []*config.Entry { return NewResolver(cfg, a.Deps, nil, nil).Entries() },
	}
}
