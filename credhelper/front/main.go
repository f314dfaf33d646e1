package front

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/cli"
)

// EngineName is the engine executable's file name; it is looked for
// next to the front executable.
const EngineName = cli.EngineName

// Main runs the front on the real process: it answers, or hands the request
// to the lean fetcher or the engine (on Unix by exec, so it becomes this
// process).
func Main(ctx context.Context, argv []string) int {
	return MainWith(ctx, argv, nil)
}

// MainWith is Main with renew as Front.Renew: the lean fetcher's main.
func MainWith(ctx context.Context, argv []string, renew Renewal) int {
	home, _ := os.UserHomeDir()
	engine, self, err := enginePath()
	f := &Front{Stdin: os.Stdin, Stdout: os.Stdout, LookupEnv: os.LookupEnv, Environ: os.Environ(), HomeDir: home,
		Engine: engine, Now: time.Now, GOOS: runtime.GOOS, Keyctl: cache.SystemKeyctl(), Renew: renew}
	ans := f.Run(ctx, argv[1:])
	if ans.Handled {
		return ans.Code
	}
	if err == nil {
		err = handOn(handOff, engine, ans.Fetch, argv, f.Environ, ans.Consumed)
	}
	if errors.Is(err, fs.ErrNotExist) {
		err = fmt.Errorf("the engine executable %s is missing: install it next to %s (make install installs them together): %w", engine, filepath.Base(self), err)
	}
	var ec exitCode
	if errors.As(err, &ec) {
		return int(ec)
	}
	fmt.Fprintln(errorStream(argv), "regcred:", err)
	return 1
}

// handOffFunc runs the executable at path in this process's stead
// (handOff): on Unix it returns only on failure, elsewhere with the
// child's exit status as an exitCode.
type handOffFunc func(role, path string, argv, env []string, consumed []byte) error

// handOn hands the request to the lean fetcher when fetch is set, else
// (or when the fetcher cannot be run) to the engine.
func handOn(run handOffFunc, engine string, fetch bool, argv, environ []string, consumed []byte) error {
	if fetch {
		// A fetcher that cannot be run (an older install without it, a
		// broken copy) only costs the speed: the engine renews.
		var ec exitCode
		if err := run("the fetcher", fetcherPath(engine), argv, fetcherEnv(environ), consumed); errors.As(err, &ec) {
			return err
		}
	}
	return run("the engine", engine, argv, environ, consumed)
}

// enginePath is the engine next to this executable (symlinks resolved,
// so a link in /usr/local/bin to an install directory works; Linux's
// /proc/self/exe already is). It is not looked for here: a missing one
// shows when it is run, and a warm `get` pays no extra stat.
func enginePath() (engine, self string, err error) {
	self, err = os.Executable()
	if err == nil && runtime.GOOS != "linux" {
		self, err = filepath.EvalSymlinks(self)
	}
	if err != nil {
		return "", "", fmt.Errorf("cannot locate this executable to find %s next to it: %w", EngineName, err)
	}
	return filepath.Join(filepath.Dir(self), EngineName+exeSuffix()), self, nil
}

// fetcherEnv is the fetcher's environment: this one, with GOMAXPROCS=1
// unless it is set. One request needs one thread of Go code, and a Go
// process with one P starts measurably faster (fewer threads started idle:
// about 0.2 ms of a cold get's 4, measured in TestBenchmarkCold's run).
// GOMAXPROCS is no part of a route's key; an engine the fetcher hands on to
// inherits it, for one `get`.
func fetcherEnv(environ []string) []string {
	for _, kv := range environ {
		if strings.HasPrefix(kv, "GOMAXPROCS=") {
			return environ
		}
	}
	return append(slices.Clip(environ), "GOMAXPROCS=1")
}

// fetcherPath is the lean fetcher, next to the engine.
func fetcherPath(engine string) string {
	return filepath.Join(filepath.Dir(engine), cli.FetcherName+exeSuffix())
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

// errorStream is where a failure to hand off is reported: where the
// engine would report the command's failure (cli.ErrorsOnStderr).
func errorStream(argv []string) io.Writer {
	if cli.ErrorsOnStderr(cli.Verb(argv[1:])) {
		return os.Stderr
	}
	return os.Stdout
}

// exitCode is the exit status of the engine or the fetcher where it ran
// as a child.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exited with status %d", int(c)) }
