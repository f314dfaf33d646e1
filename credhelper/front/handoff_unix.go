//go:build unix

package front

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// handOff replaces this process with the engine, same arguments and
// environment. The stdin already consumed is put back in front of the
// engine through a pipe (a request is at most a few KiB, well within a
// pipe's buffer, so the write cannot block).
func handOff(engine string, argv []string, consumed []byte) error {
	if consumed != nil {
		if err := replayStdin(consumed); err != nil {
			return err
		}
	}
	if err := syscall.Exec(engine, argv, os.Environ()); err != nil {
		return fmt.Errorf("running the engine %s: %w", engine, err)
	}
	return nil
}

func replayStdin(consumed []byte) error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("passing stdin to the engine: %w", err)
	}
	defer r.Close()
	_, werr := w.Write(consumed)
	cerr := w.Close()
	if werr != nil || cerr != nil {
		return fmt.Errorf("passing stdin to the engine: %w", firstErr(werr, cerr))
	}
	if err := unix.Dup2(int(r.Fd()), 0); err != nil {
		return fmt.Errorf("passing stdin to the engine: %w", err)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
