package credhelper

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/regcred/regcred/credhelper/cli"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/providers/netdeps"
)

// Name and Package identify the helper in `version`, in the format of the
// docker-credential-helpers reference implementation.
const (
	Name    = cli.FrontName
	Package = "github.com/regcred/regcred"
)

// App is one run of the helper: its streams, environment and outside-world
// handles, all injected so tests drive it without touching the process.
type App struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Env            config.Env
	Deps           netdeps.Deps
	// Keyring is the OS keyring for the token cache and the logins; nil
	// means none (the file store serves).
	Keyring cache.Keyring
	// Keyctl is the kernel's key calls for the sealed token store (never
	// for logins); nil means no sealed store.
	Keyctl cache.Keyctl
	// Routes, when set, records `get` answers for the front binary.
	Routes *Routes
	// Version and Commit are what `version` prints (Build.Stamped).
	Version, Commit string
	// ConfigPath is the --config flag; empty means the lookup order.
	ConfigPath string
	// ExeDir is the directory this executable runs from (symlinks
	// resolved), where the front sits next to it; "" when unknown.
	ExeDir string
}

// loadResolver reads the config and builds the resolver; it is deferred to
// the commands that need it, so `version` and `--help` work with a broken
// config.
func (a *App) loadResolver() (*Resolver, error) {
	cfg, err := config.Load(a.ConfigPath, a.Env, a.Deps.Logger)
	if err != nil {
		return nil, err
	}
	c, err := a.openCache(cfg)
	if err != nil {
		return nil, err
	}
	r := NewResolver(cfg, a.Deps, c, a.openLogins(cfg))
	a.Deps.Logger.Debug("config loaded", "path", cfg.Path, "entries", len(r.Entries()))
	return r, nil
}

// Run executes one command line (without the program name) and returns the
// exit code. A failure's message goes where cli.ErrorsOnStderr says, as the
// front decides it from the same command line; logs go to stderr only.
func (a *App) Run(ctx context.Context, args []string) int {
	out := a.errorOut(cli.Verb(args))
	args, err := a.parseGlobalFlags(args)
	if err == nil {
		err = a.dispatch(ctx, args)
	}
	if err == nil {
		return 0
	}
	if !errors.Is(err, ErrNotFound) {
		// The verb alone: an argument may be a secret pasted in the wrong place.
		a.Deps.Logger.Debug("command failed", "verb", cli.Truncate(cli.Verb(args), 64), "error", err)
	}
	if _, werr := fmt.Fprintln(out, err); werr != nil {
		a.Deps.Logger.Error("writing the answer failed", "error", werr)
	}
	return 1
}

// errorOut is where a failed command's message goes.
func (a *App) errorOut(verb string) io.Writer {
	if cli.ErrorsOnStderr(verb) {
		return a.Stderr
	}
	return a.Stdout
}

func (a *App) parseGlobalFlags(args []string) ([]string, error) {
	for len(args) > 0 {
		switch {
		case args[0] == "--config" || args[0] == "-c":
			if len(args) < 2 || args[1] == "" {
				return nil, fmt.Errorf("%w: --config needs a file path", ErrUsage)
			}
			a.ConfigPath, args = args[1], args[2:]
		case strings.HasPrefix(args[0], "--config="):
			if a.ConfigPath = strings.TrimPrefix(args[0], "--config="); a.ConfigPath == "" {
				return nil, fmt.Errorf("%w: --config needs a file path", ErrUsage)
			}
			args = args[1:]
		default:
			return args, nil
		}
	}
	return args, nil
}

func (a *App) dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", ErrUsage, usageLine)
	}
	verb, rest := args[0], args[1:]
	a.Deps.Logger.Debug("command", "verb", cli.Truncate(verb, 64), "version", a.Version)
	if h, ok := commandHelp(verb); ok && asksForHelp(rest) {
		_, err := io.WriteString(a.Stdout, h)
		return err
	}
	switch verb {
	case "get", "store", "erase", "list", "version":
		if len(rest) > 0 {
			return fmt.Errorf("%w: %s takes no arguments (it reads stdin)", ErrUsage, verb)
		}
		return a.docker(ctx, verb)
	case "kubelet":
		return a.kubelet(ctx, rest)
	case "cache":
		return a.cacheCommand(ctx, rest)
	case "check":
		return a.checker().Run(ctx, rest)
	case "configure-docker":
		return a.clientSetup().ConfigureDocker(ctx, rest)
	case "setup":
		return a.clientSetup().Setup(ctx, rest)
	case "pull-secret":
		return a.pullSecret(ctx, rest)
	case "--version", "-v":
		return a.printVersion()
	case "--help", "-h", "help":
		_, err := io.WriteString(a.Stdout, helpText)
		return err
	}
	return fmt.Errorf("%s: unknown action: %s (%w: %s)", Name, cli.Truncate(verb, 64), ErrUsage, usageLine)
}

// NewLogger builds the stderr logger from REGCRED_LOG (debug, info, warn,
// error; default warn).
func NewLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if level == "" {
		l = slog.LevelWarn
	} else if err := l.UnmarshalText([]byte(level)); err != nil {
		return slog.New(slog.NewTextHandler(w, nil)), fmt.Errorf("REGCRED_LOG=%q: expected debug, info, warn or error", cli.Truncate(level, 32))
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}
