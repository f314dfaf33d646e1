package testkit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spy is a testing.TB that records failures instead of failing the test
// that runs it, so the helpers' own failures can be checked.
type spy struct {
	testing.TB
	mu      sync.Mutex
	msgs    []string
	failed  bool
	stopped bool
}

func (s *spy) Helper()      {}
func (s *spy) Name() string { return "spy" }
func (s *spy) Errorf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failed = true
	s.msgs = append(s.msgs, fmt.Sprintf(format, args...))
}
func (s *spy) Fatalf(format string, args ...any) { s.Errorf(format, args...); s.FailNow() }
func (s *spy) Fail()                             { s.mu.Lock(); s.failed = true; s.mu.Unlock() }
func (s *spy) FailNow() {
	s.mu.Lock()
	s.failed, s.stopped = true, true
	s.mu.Unlock()
	runtime.Goexit()
}
func (s *spy) TempDir() string { return s.TB.TempDir() }

// check runs f against a spy on its own goroutine (FailNow ends it) and
// returns the spy.
func check(t *testing.T, f func(tb testing.TB)) *spy {
	s := &spy{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(s)
	}()
	<-done
	return s
}

func TestAssertNoSecret(t *testing.T) {
	tests := []struct {
		name       string
		text       string
		secrets    []string
		wantFailed bool
		wantInMsg  string
	}{
		{name: "clean", text: "level=INFO msg=stored", secrets: []string{"hunter2-secret"}},
		{name: "leak", text: "token=hunter2-secret", secrets: []string{"hunter2-secret"}, wantFailed: true, wantInMsg: "log contains a secret (hunter…)"},
		{name: "second secret leaks", text: "pw=other-pass", secrets: []string{"hunter2-secret", "other-pass"}, wantFailed: true},
		{name: "empty secrets skipped", text: "anything", secrets: []string{"", "hunter2-secret"}},
		{name: "nothing to look for", text: "anything", secrets: []string{""}, wantFailed: true, wantInMsg: "no secret to look for"},
		{name: "no secrets at all", text: "anything", wantFailed: true, wantInMsg: "no secret to look for"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var clean bool
			s := check(t, func(tb testing.TB) { clean = AssertNoSecret(tb, "log", tt.text, tt.secrets...) })
			assert.Equal(t, tt.wantFailed, s.failed, "failed; messages: %q", s.msgs)
			assert.Equal(t, !tt.wantFailed, clean, "returned clean")
			assert.False(t, s.stopped, "AssertNoSecret must not stop the test")
			if tt.wantInMsg != "" {
				assert.Contains(t, strings.Join(s.msgs, "\n"), tt.wantInMsg)
			}
			if tt.name == "leak" {
				assert.NotContains(t, strings.Join(s.msgs, "\n"), "secret)", "the message prints only the secret's first characters")
			}
		})
	}
}

func TestClock(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := NewClock(start)
	assert.Equal(t, start, c.Now())
	c.Advance(90 * time.Second)
	assert.Equal(t, start.Add(90*time.Second), c.Now())
	c.Advance(-time.Minute)
	assert.Equal(t, start.Add(30*time.Second), c.Now())

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			c.Advance(time.Second)
			_ = c.Now()
		})
	}
	wg.Wait()
	assert.Equal(t, start.Add(38*time.Second), c.Now())
}

func TestEnv(t *testing.T) {
	e := Env{"HOME": "/home/u", "EMPTY": ""}
	v, ok := e.Lookup("HOME")
	assert.True(t, ok)
	assert.Equal(t, "/home/u", v)
	v, ok = e.Lookup("EMPTY")
	assert.True(t, ok, "a variable set to the empty string is set")
	assert.Empty(t, v)
	_, ok = e.Lookup("UNSET")
	assert.False(t, ok)
	_, ok = Env(nil).Lookup("HOME")
	assert.False(t, ok, "a nil Env is an empty environment")
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a", "b", "f.txt")
	WriteFile(t, p, "hello")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(b))
	fi, err := os.Stat(p)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	di, err := os.Stat(filepath.Dir(p))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), di.Mode().Perm())

	WriteFileMode(t, filepath.Join(dir, "ro"), "x", 0o400)
	fi, err = os.Stat(filepath.Join(dir, "ro"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o400), fi.Mode().Perm())

	tp := TempFile(t, "name.json", "{}")
	assert.Equal(t, "name.json", filepath.Base(tp))
	b, err = os.ReadFile(tp)
	require.NoError(t, err)
	assert.Equal(t, "{}", string(b))

	s := check(t, func(tb testing.TB) { WriteFile(tb, filepath.Join(p, "under-a-file"), "x") })
	assert.True(t, s.stopped, "a write that cannot happen stops the test")
}

func TestReadAndCopyFile(t *testing.T) {
	dir := t.TempDir()
	from := filepath.Join(dir, "from")
	WriteFile(t, from, "content")
	assert.Equal(t, "content", string(ReadFile(t, from)))

	to := filepath.Join(dir, "to")
	CopyFile(t, from, to, 0o755)
	assert.Equal(t, "content", string(ReadFile(t, to)))
	fi, err := os.Stat(to)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o755)&^umask(t), fi.Mode().Perm(), "a new file's mode")

	WriteFile(t, to, "an older, longer content")
	CopyFile(t, from, to, 0o755)
	assert.Equal(t, "content", string(ReadFile(t, to)), "the copy replaces what was there")

	s := check(t, func(tb testing.TB) { ReadFile(tb, filepath.Join(dir, "missing")) })
	assert.True(t, s.stopped, "reading a missing file stops the test")
	s = check(t, func(tb testing.TB) { CopyFile(tb, filepath.Join(dir, "missing"), to, 0o600) })
	assert.True(t, s.stopped, "copying a missing file stops the test")
	assert.Equal(t, "content", string(ReadFile(t, to)), "a failed copy leaves the target alone")
}

// umask is the process's file mode mask, read off a file it created.
func umask(t *testing.T) os.FileMode {
	p := filepath.Join(t.TempDir(), "probe")
	require.NoError(t, os.WriteFile(p, nil, 0o777))
	fi, err := os.Stat(p)
	require.NoError(t, err)
	return 0o777 &^ fi.Mode().Perm()
}

var errKind = errors.New("kind")

func TestWantErr(t *testing.T) {
	wrapped := fmt.Errorf("vault: read secret/app: %w", errKind)
	tests := []struct {
		name        string
		err, target error
		fragments   []string
		wantFailed  bool
		wantStopped bool
	}{
		{name: "match", err: wrapped, target: errKind, fragments: []string{"secret/app", "vault"}},
		{name: "any error", err: wrapped},
		{name: "nil error", err: nil, target: errKind, wantFailed: true, wantStopped: true},
		{name: "wrong kind", err: errors.New("other"), target: errKind, wantFailed: true},
		{name: "missing fragment", err: wrapped, target: errKind, fragments: []string{"secret/other"}, wantFailed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := check(t, func(tb testing.TB) { WantErr(tb, tt.err, tt.target, tt.fragments...) })
			assert.Equal(t, tt.wantFailed, s.failed, "failed; messages: %q", s.msgs)
			assert.Equal(t, tt.wantStopped, s.stopped, "stopped")
		})
	}
}

func TestDebugLogger(t *testing.T) {
	log, buf := DebugLogger()
	log.Debug("probe", "k", "v")
	assert.Contains(t, buf.String(), "level=DEBUG msg=probe k=v")
}

func TestB64(t *testing.T) {
	assert.Equal(t, "YWxpY2U6cHc=", B64("alice:pw"))
}
