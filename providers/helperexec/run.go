package helperexec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
)

// Limits on what is read from a helper and how much of its stderr is
// logged.
const (
	maxStdout    = 1 << 20
	maxStderr    = 64 << 10
	loggedStderr = 512
	// WaitDelay is how long a run waits for the helper's pipes once the
	// helper is gone or killed (a grandchild may hold them open).
	WaitDelay = 2 * time.Second
)

// notFoundMessage is what docker-credential-helpers print (on stdout, exit
// status 1) for a server they hold nothing for.
const notFoundMessage = "credentials not found in native keychain"

// errNotFoundAnswer marks the helper's own "not found" answer.
var errNotFoundAnswer = errors.New("the helper has no credentials for the server")

// run runs exe with verb, input on stdin, and returns its stdout. A
// failure names the helper and its exit, never its stdout; its stderr is
// logged, truncated.
func run(ctx context.Context, log *slog.Logger, exe, verb, input string) ([]byte, error) {
	if !mayRun(ctx) {
		return nil, ErrNotRun
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cmd := exec.CommandContext(ctx, exe, verb)
	cmd.Stdin = strings.NewReader(input)
	stdout := &capped{max: maxStdout}
	stderr := &capped{max: maxStderr}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = WaitDelay
	setGroup(cmd)
	start := time.Now()
	err := cmd.Run()
	name := filepath.Base(exe)
	if msg := strings.TrimSpace(stderr.String()); msg != "" {
		log.Warn("credential helper wrote to stderr", "helper", name, "verb", verb, "stderr", truncate(msg, loggedStderr))
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return nil, fmt.Errorf("%w: credential helper %s %s: no answer after %s: %w", providers.ErrUnavailable, name, verb, time.Since(start).Round(time.Millisecond), ctxErr)
	}
	if err != nil {
		if strings.TrimSpace(stdout.String()) == notFoundMessage {
			return nil, errNotFoundAnswer
		}
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			// Not err itself: an ExitError says nothing of stdout, but keep
			// the message to the status alone.
			return nil, fmt.Errorf("%w: credential helper %s %s failed (%s; its stderr is in the log, its stdout is not shown)", providers.ErrUnavailable, name, verb, exit.ProcessState)
		}
		return nil, fmt.Errorf("%w: credential helper %s %s: %w", providers.ErrUnavailable, name, verb, err)
	}
	if stdout.over {
		return nil, fmt.Errorf("%w: credential helper %s %s answered more than %d bytes", providers.ErrInvalid, name, verb, maxStdout)
	}
	return stdout.Bytes(), nil
}

// capped keeps the first max bytes written and drops the rest, so a
// runaway helper cannot fill memory; writes never fail (a failed write
// would kill the helper with SIGPIPE mid-answer).
type capped struct {
	bytes.Buffer
	max  int
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.Len(); room < len(p) {
		c.over = true
		if room > 0 {
			c.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return c.Buffer.Write(p)
}

// truncate shortens s to at most n bytes, on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
