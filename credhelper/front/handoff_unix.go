//go:build unix

package front

import (
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// handOff replaces this process with the executable at path (role says
// which, for errors: "the engine", "the fetcher"), same arguments, with
// the environment env. The stdin already consumed is put back in front of the
// engine through a pipe (a request is at most a few KiB, well within a
// pipe's buffer, so the write cannot block).
func handOff(role, path string, argv, env []string, consumed []byte) error {
	if consumed != nil {
		if err := replayStdin(consumed); err != nil {
			return err
		}
	}
	if err := syscall.Exec(path, argv, env); err != nil {
		return fmt.Errorf("running %s %s: %w", role, path, err)
	}
	return nil
}

// replayStdin makes a pipe holding consumed the process's stdin, with raw
// system calls: os.Pipe would register both ends with Go's network poller
// (an epoll instance, an eventfd, mode changes), a dozen calls the process
// pays just before exec discards them.
func replayStdin(consumed []byte) error {
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil { // both ends are closed before exec
		return fmt.Errorf("passing stdin to the engine: %w", err)
	}
	defer unix.Close(p[0])
	werr := writeAll(p[1], consumed)
	cerr := unix.Close(p[1])
	if werr != nil || cerr != nil {
		return fmt.Errorf("passing stdin to the engine: %w", firstErr(werr, cerr))
	}
	if err := unix.Dup2(p[0], 0); err != nil { // dup2 clears close-on-exec on fd 0
		return fmt.Errorf("passing stdin to the engine: %w", err)
	}
	return nil
}

// writeAll writes b to fd, which is blocking: a request is far within a
// pipe's buffer, so this returns at once.
func writeAll(fd int, b []byte) error {
	for len(b) > 0 {
		n, err := unix.Write(fd, b)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		b = b[n:]
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
