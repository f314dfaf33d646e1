package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers/gcr/gcrtest"
)

// binDir holds the binary TestMain builds once for every end-to-end test.
// It is written once, before any test runs, and only read afterwards.
var binDir string

func TestMain(m *testing.M) {
	// Run as gcloud (through gcrtest.NewGcloud's link), this binary is
	// the fake gcloud and exits here.
	gcrtest.RunIfGcloud()
	dir, err := os.MkdirTemp("", "regcred-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binDir = dir
	// Built as `make build` builds the release: static, stripped, the
	// engine and the fetcher next to the front.
	for name, pkg := range map[string]string{"docker-credential-regcred": ".", "regcred-engine": "../regcred-engine", "regcred-fetch": "../regcred-fetch"} {
		build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(dir, name), pkg)
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n%s", name, err, out)
			os.Exit(2)
		}
	}
	code := m.Run()
	bao.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testBinary returns the path of the built docker-credential-regcred, with
// regcred-engine and regcred-fetch beside it. Its directory can be put on PATH so clients
// find the helper by name.
func testBinary(t *testing.T) string {
	t.Helper()
	return filepath.Join(binDir, "docker-credential-regcred")
}

// runOpts are the inputs of one helper run.
type runOpts struct {
	// Env is added to a clean environment: PATH, and HOME, XDG_CONFIG_HOME
	// and XDG_CACHE_HOME in a fresh temp dir, with no cloud identity vars.
	Env     []string
	Stdin   string
	Timeout time.Duration // default 60s
	Dir     string        // working directory; "" is the test's
}

type runResult struct {
	Stdout, Stderr string
	Exit           int
}

// runBinary runs bin with args and returns what it printed and its exit
// code. A run that outlives its timeout fails the test.
func runBinary(t *testing.T, bin string, opts runOpts, args ...string) runResult {
	t.Helper()
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(cleanEnv(t), opts.Env...)
	cmd.Stdin = strings.NewReader(opts.Stdin)
	cmd.Dir = opts.Dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, ctx.Err(), "%s %v did not finish within %s; stderr:\n%s", filepath.Base(bin), args, timeout, stderr.String())
	res := runResult{Stdout: stdout.String(), Stderr: stderr.String()}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		res.Exit = exit.ExitCode()
	} else {
		require.NoError(t, err, "running %s", bin)
	}
	return res
}

// cleanEnv is a minimal environment in a fresh home, so no developer or CI
// identity (AWS, Google, Vault, OCI, docker) leaks into a test.
func cleanEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"AWS_EC2_METADATA_DISABLED=true",
		"GCE_METADATA_HOST=127.0.0.1:1",
		"REGCRED_CACHE=none",
	}
}

// writeConfig writes a config file (mode 0600) and returns its path, for
// REGCRED_CONFIG or --config.
func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(p, []byte(yaml), 0o600))
	return p
}

// writeJSONFile writes v as JSON (mode 0600): a client's config or auth
// file.
func writeJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600))
}

// yamlQuote quotes s for YAML: a Go-quoted string of printable characters
// is a YAML double-quoted scalar.
func yamlQuote(s string) string { return strconv.Quote(s) }

// staticEntries are config entries, one for each match, that answer with
// username and the password in $REG_PW.
func staticEntries(username string, matches ...string) string {
	var b strings.Builder
	for _, m := range matches {
		fmt.Fprintf(&b, "  - match: %s\n    static: {username: %s, passwordEnv: REG_PW}\n", yamlQuote(m), username)
	}
	return b.String()
}

// pathWithHelper is $PATH with the built helper's directory first, so a
// client (docker, skopeo, regctl, a Go library) finds it by name.
func pathWithHelper(t *testing.T) string {
	t.Helper()
	return filepath.Dir(testBinary(t)) + string(os.PathListSeparator) + os.Getenv("PATH")
}

// clientEnv is cleanEnv for running a client: the helper first on PATH,
// then extra.
func clientEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	return append(append(cleanEnv(t), "PATH="+pathWithHelper(t)), extra...)
}
