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
	"time"

	"github.com/regcred/regcred/credhelper/cli"
)

// BackendName is the backend executable's file name; it is looked for
// next to the front executable.
const BackendName = cli.EngineName

// Main runs the front on the real process: it answers, or hands the request
// to the backend (on Unix by exec, so the backend becomes this process).
func Main(ctx context.Context, argv []string) int {
	home, _ := os.UserHomeDir()
	backend, self, err := backendPath()
	f := &Front{Stdin: os.Stdin, Stdout: os.Stdout, LookupEnv: os.LookupEnv, Environ: os.Environ(), HomeDir: home,
		Backend: backend, Now: time.Now, GOOS: runtime.GOOS}
	ans := f.Run(ctx, argv[1:])
	if ans.Handled {
		return ans.Code
	}
	if err == nil {
		err = handOff(backend, argv, ans.Consumed)
	}
	if errors.Is(err, fs.ErrNotExist) {
		err = fmt.Errorf("the backend executable %s is missing: install it next to %s (make install does both): %w", backend, filepath.Base(self), err)
	}
	var ec exitCode
	if errors.As(err, &ec) {
		return int(ec)
	}
	fmt.Fprintln(errorStream(argv), "regcred:", err)
	return 1
}

// backendPath is the backend next to this executable (symlinks resolved,
// so a link in /usr/local/bin to an install directory works; Linux's
// /proc/self/exe already is). It is not looked for here: a missing one
// shows when it is run, and a warm `get` pays no extra stat.
func backendPath() (backend, self string, err error) {
	self, err = os.Executable()
	if err == nil && runtime.GOOS != "linux" {
		self, err = filepath.EvalSymlinks(self)
	}
	if err != nil {
		return "", "", fmt.Errorf("cannot locate this executable to find %s next to it: %w", BackendName, err)
	}
	return filepath.Join(filepath.Dir(self), BackendName+exeSuffix()), self, nil
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

// exitCode is the backend's exit status where it ran as a child.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("backend exited with status %d", int(c)) }
