//go:build !unix

package front

import "os"

// handOff runs the engine as a child (no exec here) and passes its exit
// status on (runChild).
func handOff(role, path string, argv, env []string, consumed []byte) error {
	return runChild(role, path, argv, env, consumed, os.Stdin, os.Stdout, os.Stderr)
}
