//go:build !unix

package front

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
)

// handOff runs the engine as a child (no exec here), with the consumed
// stdin put back in front of the rest, and passes its exit status on.
func handOff(engine string, argv []string, consumed []byte) error {
	cmd := exec.Command(engine, argv[1:]...)
	cmd.Stdin = io.MultiReader(bytes.NewReader(consumed), os.Stdin)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return exitCode(ee.ExitCode())
	case err != nil:
		return fmt.Errorf("running the engine %s: %w", engine, err)
	}
	return exitCode(0)
}
