package credhelper

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// testApp is an App wired to buffers, a fake environment and a temp home.
type testApp struct {
	app            *App
	stdout, stderr *bytes.Buffer
}

func newTestApp(t *testing.T, configYAML string, env map[string]string) *testApp {
	t.Helper()
	home := t.TempDir()
	if configYAML != "" {
		p := filepath.Join(home, "config.yaml")
		require.NoError(t, os.WriteFile(p, []byte(configYAML), 0o600))
		env = withEnv(env, "REGCRED_CONFIG", p)
	}
	for k, v := range offMachine {
		if _, set := env[k]; !set {
			env = withEnv(env, k, v)
		}
	}
	return wireTestApp(home, env, 5*time.Second)
}

// wireTestApp is the App of a test: env is its whole environment, home its
// home directory, the log (at debug) its stderr, and HTTP calls time out
// after timeout.
func wireTestApp(home string, env map[string]string, timeout time.Duration) *testApp {
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	var stdout, stderr bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return &testApp{
		app: &App{
			Stdout: &stdout, Stderr: &stderr,
			Env: config.Env{LookupEnv: lookup, HomeDir: home},
			Deps: netdeps.Deps{
				HTTPClient: &http.Client{Timeout: timeout},
				Deps: providers.Deps{
					Now:       time.Now,
					LookupEnv: lookup,
					Logger:    logger,
				},
			},
			Version: "v-test",
		},
		stdout: &stdout, stderr: &stderr,
	}
}

func withEnv(env map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for key, val := range env {
		out[key] = val
	}
	return out
}

// run executes one command with stdin and returns stdout and the exit code.
func (ta *testApp) run(t *testing.T, stdin io.Reader, args ...string) (string, int) {
	t.Helper()
	ta.stdout.Reset()
	ta.app.Stdin = stdin
	code := ta.app.Run(context.Background(), args)
	return ta.stdout.String(), code
}

func (ta *testApp) runString(t *testing.T, stdin string, args ...string) (string, int) {
	t.Helper()
	return ta.run(t, strings.NewReader(stdin), args...)
}
