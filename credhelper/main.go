package credhelper

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/regcred/regcred/credhelper/cache/oskeyring"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/providers/netdeps"
)

// Main wires the real process (streams, environment, clock, network) into an
// App and runs it; cmd/docker-credential-regcred only calls this.
func Main(ctx context.Context, version string, args []string) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger, err := NewLogger(os.Stderr, os.Getenv("REGCRED_LOG"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "regcred:", err)
	}
	home, _ := os.UserHomeDir()
	app := &App{
		Stdin:   os.Stdin,
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Env:     config.Env{LookupEnv: os.LookupEnv, HomeDir: home},
		Deps:    netdeps.Default(logger),
		Keyring: oskeyring.System{},
		Version: version,
	}
	return app.Run(ctx, args)
}
