package credhelper

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/cache/oskeyring"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/route"
	"github.com/regcred/regcred/internal/logwatch"
	"github.com/regcred/regcred/providers/netdeps"
)

// Main wires the real process (streams, environment, clock, network) into an
// App and runs it; cmd/regcred-engine only calls this.
func Main(ctx context.Context, build Build, args []string) int {
	build = build.Stamped(debug.ReadBuildInfo())
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger, err := NewLogger(os.Stderr, os.Getenv("REGCRED_LOG"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "regcred:", err)
	}
	logger, warned := logwatch.Wrap(logger.Handler())
	home, _ := os.UserHomeDir()
	app := &App{
		Stdin:   os.Stdin,
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Env:     config.Env{LookupEnv: os.LookupEnv, HomeDir: home},
		Deps:    netdeps.Default(logger),
		Keyring: oskeyring.System{},
		Keyctl:  cache.SystemKeyctl(),
		Version: build.Version,
		Commit:  build.Commit,
	}
	if self, err := selfPath(); err == nil {
		app.Routes = processRoutes(self, warned)
		app.ExeDir = filepath.Dir(self)
	}
	return app.Run(ctx, args)
}

// selfPath is this executable's file, symlinks resolved.
func selfPath() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(self)
}

// processRoutes records routes in the default cache directory, when there
// is one; self is this executable, part of every route's key.
func processRoutes(self string, warned func() bool) *Routes {
	dir, err := route.Dir(os.LookupEnv)
	if err != nil {
		return nil
	}
	return &Routes{Dir: dir, Environ: os.Environ(), Engine: self, Warned: warned}
}
