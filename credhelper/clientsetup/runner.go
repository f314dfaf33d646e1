package clientsetup

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/regcred/regcred/credhelper/config"
)

// Runner runs `configure-docker` and `setup <client>`. The engine hands it
// what they need, so this package never imports the engine's.
type Runner struct {
	Stdout, Stderr io.Writer
	Logger         *slog.Logger
	Now            func() time.Time
	LookupEnv      func(string) (string, bool)
	// Home is the user's home directory ("" when there is none).
	Home string
	// FrontName, EngineName and FetcherName are the executables' file
	// names, as the snippets and notes name them.
	FrontName, EngineName, FetcherName string
	// BinDir is where the executables run from ("" when unknown): the
	// kubelet's --image-credential-provider-bin-dir, unless they are moved.
	BinDir string
	// ConfigFile is where configure-docker writes regcred config entries
	// when the loaded config came from no file (the user's config path).
	ConfigFile string
	// LoadConfig loads the config the engine would use.
	LoadConfig func() (*config.Config, error)
	// Entries are the entries the engine would try for cfg, built-in ones
	// included, in order.
	Entries func(cfg *config.Config) []*config.Entry
}

// ConfigureDocker runs `configure-docker args…`.
func (cs *Runner) ConfigureDocker(ctx context.Context, args []string) error {
	return cs.configureDocker(ctx, args)
}

// Setup runs `setup args…`.
func (cs *Runner) Setup(ctx context.Context, args []string) error {
	return cs.setup(ctx, args)
}
