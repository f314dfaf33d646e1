package front

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os/exec"
)

// runChild is the hand-off where there is no exec (Windows): it runs the
// engine (or the fetcher) as a child with the consumed stdin put back in front of the rest,
// shares stdout and stderr, and returns its exit status as an exitCode. It
// has no build constraint, so its tests run on Linux too.
func runChild(role, path string, argv, env []string, consumed []byte, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Env = env
	cmd.Stdin = io.MultiReader(bytes.NewReader(consumed), stdin)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return exitCode(ee.ExitCode())
	case err != nil:
		return fmt.Errorf("running %s %s: %w", role, path, err)
	}
	return exitCode(0)
}
