package cache

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zalando/go-keyring"

	"github.com/regcred/regcred/credhelper/cache/oskeyring"
	"github.com/regcred/regcred/providers"
)

// The tests below re-run this test binary as child processes, switched by
// this variable, so concurrency is tested across real processes.
const childEnv = "REGCRED_CACHE_TEST_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(runChild(mode))
	}
	os.Exit(m.Run())
}

func runChild(mode string) int {
	if err := child(mode); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

func child(mode string) error {
	switch mode {
	case "autolaunch-control":
		// What go-keyring does with no bus advertised.
		_, err := keyring.Get("regcred-test", "probe")
		fmt.Println("control:", err)
		return nil
	case "autolaunch-open":
		return childAutolaunch()
	case "get", "hang":
		return childGet(mode == "hang")
	case "seal-quota":
		return childSealQuota()
	case "seal-seccomp":
		return childSealSeccomp()
	}
	return fmt.Errorf("unknown mode %q", mode)
}

func childOpen() (*Cache, error) {
	return Open(Options{
		Kind:           os.Getenv("REGCRED_CACHE_KIND"),
		Dir:            os.Getenv("REGCRED_CACHE_DIR"),
		KeyringService: os.Getenv("REGCRED_CACHE_SERVICE"),
		Keyring:        oskeyring.System{},
		// Long enough that a waiter never gets through by the bound: if
		// it gets through, the lock was released.
		LockWait: 2 * time.Minute,
		Logger:   slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
}

// childGet is one `get`: it waits for the parent's go (stdin closed), then
// looks the key up. The backend call is recorded in the calls file. A
// "hang" child dies inside its backend call, holding the lock.
func childGet(hang bool) error {
	c, err := childOpen()
	if err != nil {
		return err
	}
	fmt.Println("ready")
	if _, err := io.Copy(io.Discard, os.Stdin); err != nil {
		return err
	}
	fetch := func(ctx context.Context) (providers.Credential, error) {
		f, err := os.OpenFile(os.Getenv("REGCRED_CACHE_CALLS"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return providers.Credential{}, err
		}
		fmt.Fprintln(f, os.Getpid())
		f.Close()
		if hang {
			fmt.Println("fetching")
			time.Sleep(time.Hour) // until the parent kills us
		}
		// Hold the lock long enough for every other child to queue on it.
		time.Sleep(300 * time.Millisecond)
		return providers.Credential{Username: "AWS", Secret: providers.Secret(fmt.Sprintf("token-from-%d", os.Getpid())),
			ExpiresAt: time.Now().Add(12 * time.Hour)}, nil
	}
	cred, out, err := c.Credential(context.Background(), testItem(), fetch)
	if err != nil {
		return err
	}
	fmt.Println(out, cred.Secret.Reveal())
	return nil
}

func childAutolaunch() error {
	c, err := Open(Options{Kind: KindAuto, Dir: os.Getenv("REGCRED_CACHE_DIR"), Keyring: oskeyring.System{}})
	if err != nil {
		return err
	}
	ctx := context.Background()
	fetch := func(context.Context) (providers.Credential, error) { return token(time.Now()), nil }
	for range 2 {
		if _, _, err := c.Credential(ctx, testItem(), fetch); err != nil {
			return err
		}
	}
	if _, err := c.Clear(ctx, ""); err != nil {
		return err
	}
	fmt.Println("store:", c.Name())
	return nil
}

// proc is a running child.
type proc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines *bufio.Scanner
}

func startChild(t *testing.T, mode string, env ...string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), childEnv+"="+mode), env...)
	cmd.Stderr = &prefixWriter{t: t}
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return &proc{cmd: cmd, stdin: stdin, lines: bufio.NewScanner(stdout)}
}

// expect reads the child's next line, which must start with want.
func (p *proc) expect(t *testing.T, want string) string {
	t.Helper()
	require.True(t, p.lines.Scan(), "child %d ended before saying %q: %v", p.cmd.Process.Pid, want, p.lines.Err())
	line := p.lines.Text()
	require.True(t, strings.HasPrefix(line, want), "child %d said %q, want %q…", p.cmd.Process.Pid, line, want)
	return line
}

type prefixWriter struct{ t *testing.T }

func (w *prefixWriter) Write(p []byte) (int, error) {
	w.t.Logf("child stderr: %s", strings.TrimSpace(string(p)))
	return len(p), nil
}

type flight struct {
	dir, calls string
	env        []string
}

func newFlight(t *testing.T, kind, service string) flight {
	dir := t.TempDir()
	calls := filepath.Join(dir, "backend-calls")
	return flight{dir: dir, calls: calls, env: []string{
		"REGCRED_CACHE_KIND=" + kind, "REGCRED_CACHE_DIR=" + filepath.Join(dir, "cache"),
		"REGCRED_CACHE_CALLS=" + calls, "REGCRED_CACHE_SERVICE=" + service,
	}}
}

func (f flight) backendCalls(t *testing.T) int {
	t.Helper()
	data, err := os.ReadFile(f.calls)
	require.NoError(t, err)
	return strings.Count(string(data), "\n")
}

// race starts n `get` children, lets them go together and checks that
// exactly one called the backend and every other one was served its token.
func (f flight) race(t *testing.T, n int, beforeGo func()) {
	t.Helper()
	procs := make([]*proc, n)
	for i := range procs {
		procs[i] = startChild(t, "get", f.env...)
	}
	for _, p := range procs {
		p.expect(t, "ready")
		p.stdin.Close()
	}
	if beforeGo != nil {
		beforeGo()
	}
	outcomes := map[string]int{}
	tokens := map[string]bool{}
	for _, p := range procs {
		fields := strings.Fields(p.expect(t, ""))
		require.Len(t, fields, 2, "child answered %q", fields)
		outcomes[fields[0]]++
		tokens[fields[1]] = true
		assert.NoError(t, p.cmd.Wait(), "child %d", p.cmd.Process.Pid)
	}
	assert.Equal(t, 1, outcomes[Fetched.String()], "outcomes %v, want 1 fetched and %d hits", outcomes, n-1)
	assert.Equal(t, n-1, outcomes[Hit.String()], "outcomes %v, want 1 fetched and %d hits", outcomes, n-1)
	assert.Len(t, tokens, 1, "children got different tokens, want the one token fetched")
}

func TestSingleFlightAcrossProcesses(t *testing.T) {
	f := newFlight(t, KindFile, "")
	f.race(t, 8, nil)
	assert.Equal(t, 1, f.backendCalls(t), "backend calls from 8 concurrent cold lookups")
}

func TestKilledLockHolderDoesNotBlockOthers(t *testing.T) {
	f := newFlight(t, KindFile, "")
	holder := startChild(t, "hang", f.env...)
	holder.expect(t, "ready")
	holder.stdin.Close()
	holder.expect(t, "fetching") // it holds the lock, inside its backend call
	f.race(t, 4, func() {
		require.NoError(t, holder.cmd.Process.Kill()) // SIGKILL: no unlock, no cleanup
	})
	// The dead holder's call and exactly one of the others'.
	assert.Equal(t, 2, f.backendCalls(t), "backend calls")
}

func TestNoBusNoDBusDaemon(t *testing.T) {
	if !usesDBus(goosForTest()) {
		t.Skip("go-keyring does not use D-Bus here")
	}
	// A dbus-launch that records being run: godbus runs it to autolaunch
	// a bus when none is advertised.
	bin := t.TempDir()
	marker := filepath.Join(bin, "launched")
	script := "#!/bin/sh\necho launched >> '" + marker + "'\nexit 1\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "dbus-launch"), []byte(script), 0o700))
	env := []string{"DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR=" + t.TempDir(), "HOME=" + t.TempDir(),
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "REGCRED_CACHE_DIR=" + t.TempDir()}

	// Control: go-keyring on its own does launch one, or this test could
	// not tell anything.
	ctl := startChild(t, "autolaunch-control", env...)
	ctl.stdin.Close()
	ctl.expect(t, "control:")
	_ = ctl.cmd.Wait()
	if _, err := os.Stat(marker); err != nil {
		t.Skipf("go-keyring did not try dbus-launch here (a bus at %s/bus?), so the check cannot be shown", defaultRunUser())
	}
	require.NoError(t, os.Remove(marker))

	p := startChild(t, "autolaunch-open", env...)
	p.stdin.Close()
	p.expect(t, "store: file")
	require.NoError(t, p.cmd.Wait())
	_, err := os.Stat(marker)
	assert.Error(t, err, "the cache ran dbus-launch without a session bus")
}
