package front

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper"
	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/route"
	"github.com/regcred/regcred/internal/logwatch"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

const ecrHost = "123456789012.dkr.ecr.us-west-2.amazonaws.com"

// ecrConfig is an ECR entry with the given cache store, its file cache in
// the fixture's home.
func ecrConfig(store string) string {
	return "cache: {store: " + store + ", dir: \"$HOME/cache\"}\nregistries:\n" +
		"  - match: \"*.dkr.ecr.*.amazonaws.com\"\n    ecr: {region: us-west-2}\n"
}

// fixture is a home directory holding a config, the engine's stores and a
// stand-in for the engine executable, with the environment a run sees.
// The same fixture drives the Front and, beside it, the engine
// (credhelper.App) with the same environment and engine path, so that
// the engine records the routes the front reads and their answers can be
// compared.
type fixture struct {
	home string
	env  map[string]string
	// engineExe stands for regcred-engine: the front never runs it, but its
	// identity is part of every route's key.
	engineExe string
}

// newFixture writes configYAML ("$HOME" stands for the fixture's home; ""
// writes no config at all) with mode perm (0 means 0600).
func newFixture(tb testing.TB, configYAML string, perm os.FileMode) *fixture {
	tb.Helper()
	home := tb.TempDir()
	fx := &fixture{home: home, engineExe: filepath.Join(home, "bin", EngineName), env: map[string]string{
		"HOME": home, "AWS_PROFILE": "dev", "AWS_EC2_METADATA_DISABLED": "true", "REG_PW": "s3cret"}}
	fx.writeFile(tb, fx.engineExe, "#!/bin/false\n", 0o755)
	if configYAML == "" {
		return fx
	}
	p := filepath.Join(home, "config.yaml")
	fx.writeFile(tb, p, configYAML, perm)
	fx.env["REGCRED_CONFIG"] = p
	return fx
}

// writeFile writes content ("$HOME" expanded) at path with mode perm (0
// means 0600), creating its directory.
func (fx *fixture) writeFile(tb testing.TB, path, content string, perm os.FileMode) {
	tb.Helper()
	if perm == 0 {
		perm = 0o600
	}
	testkit.WriteFile(tb, path, strings.ReplaceAll(content, "$HOME", fx.home))
	require.NoError(tb, os.Chmod(path, perm)) // WriteFile's mode is filtered by the umask
}

func (fx *fixture) lookup(k string) (string, bool) { return testkit.Env(fx.env).Lookup(k) }

// environ is the environment as os.Environ lists it.
func (fx *fixture) environ() []string {
	out := make([]string, 0, len(fx.env))
	for _, k := range slices.Sorted(maps.Keys(fx.env)) {
		out = append(out, k+"="+fx.env[k])
	}
	return out
}

// front is a Front on stdin for goos, writing to the returned buffer.
func (fx *fixture) front(stdin io.Reader, goos string) (*Front, *bytes.Buffer) {
	var out bytes.Buffer
	return &Front{Stdin: stdin, Stdout: &out, LookupEnv: fx.lookup, Environ: fx.environ(), HomeDir: fx.env["HOME"],
		Engine: fx.engineExe, Now: time.Now, GOOS: goos}, &out
}

// config is the fixture's config, as the engine loads it.
func (fx *fixture) config(tb testing.TB) *config.Config {
	tb.Helper()
	cfg, err := config.Load("", config.Env{LookupEnv: fx.lookup, HomeDir: fx.env["HOME"]}, slog.New(slog.DiscardHandler))
	require.NoError(tb, err)
	return cfg
}

// prime caches a credential for host the way the engine does: through the
// file cache's Credential with a fetch, under the key of the first
// matching entry of a cached kind. It was issued at storedAt and lives for
// lifetime.
func (fx *fixture) prime(tb testing.TB, host string, cred providers.Credential, storedAt time.Time, lifetime time.Duration) {
	tb.Helper()
	cfg := fx.config(tb)
	t, err := matcher.Normalize(host)
	require.NoError(tb, err)
	e := firstCached(cfg.Entries(), t)
	require.NotNil(tb, e, "no entry of a cached kind matches %s", host)
	c, err := cache.Open(cache.Options{Kind: cache.KindFile, Dir: cfg.Cache.Dir, LookupEnv: fx.lookup,
		Now: func() time.Time { return storedAt }})
	require.NoError(tb, err)
	cred.ExpiresAt = storedAt.Add(lifetime)
	fetch := func(context.Context) (providers.Credential, error) { return cred, nil }
	item := cache.Item{Key: e.CacheKey(t, nil, fx.lookup), Registry: t.Registry(), Source: e.String()}
	_, outcome, err := c.Credential(context.Background(), item, fetch)
	require.NoError(tb, err, "priming the cache for %s", host)
	require.Equal(tb, cache.Fetched, outcome, "priming the cache for %s", host)
}

// firstCached is the first entry the engine would try for t among those
// whose kind goes through the token cache, or nil.
func firstCached(entries []*config.Entry, t matcher.Target) *config.Entry {
	patterns := make([]matcher.Pattern, len(entries))
	for i, e := range entries {
		patterns[i] = e.Pattern()
	}
	for _, i := range matcher.Order(patterns, t) {
		if entries[i].Cached() {
			return entries[i]
		}
	}
	return nil
}

// tokenFiles are the records of the fixture's file cache.
func (fx *fixture) tokenFiles(tb testing.TB) []string {
	tb.Helper()
	dir := fx.config(tb).Cache.Dir
	require.NotEmpty(tb, dir, "the fixture's config sets no cache dir")
	files, err := filepath.Glob(filepath.Join(dir, "tokens", "*.json"))
	require.NoError(tb, err)
	return files
}

// routeFiles are the routes recorded where the fixture's environment puts
// them (none when it has no cache directory).
func (fx *fixture) routeFiles(tb testing.TB) []string {
	tb.Helper()
	dir, err := route.Dir(fx.lookup)
	if err != nil {
		return nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "routes", "*.route"))
	require.NoError(tb, err)
	return files
}

// storeLogin keeps a `docker login` for registry by running the engine's
// store, as docker does after a login.
func (fx *fixture) storeLogin(tb testing.TB, registry, user, secret string) {
	tb.Helper()
	stdin := `{"ServerURL":"` + registry + `","Username":"` + user + `","Secret":"` + secret + `"}`
	out, errOut, code := fx.engine(tb, stdin, "store")
	require.Equal(tb, 0, code, "store %s: exit: %s %s", registry, out, errOut)
	require.Empty(tb, errOut, "store %s logged", registry)
	dir, err := config.LoginDir(fx.config(tb).Cache, fx.lookup)
	require.NoError(tb, err, "store %s: the login directory", registry)
	require.True(tb, cache.Present(dir, cache.LoginKey(registry)), "store %s kept no login", registry)
}

// engine runs the engine in-process on the fixture, recording
// routes as regcred-engine does (for the fixture's engine path and
// environment): what it would print on stdout and stderr (warnings and
// up, its default) and its exit code. It has no keyring, as on a machine
// without a session bus, and no network.
func (fx *fixture) engine(tb testing.TB, stdin string, args ...string) (stdout, stderr string, code int) {
	tb.Helper()
	return fx.runEngine(noNetwork{}, stdin, args...)
}

// runEngine is engine with rt as the network.
func (fx *fixture) runEngine(rt http.RoundTripper, stdin string, args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	logger, warned := logwatch.Wrap(slog.NewTextHandler(&errOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	app := &credhelper.App{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Env: config.Env{LookupEnv: fx.lookup, HomeDir: fx.env["HOME"]},
		Deps: netdeps.Deps{
			HTTPClient: &http.Client{Transport: rt},
			Deps:       providers.Deps{Now: time.Now, LookupEnv: fx.lookup, Logger: logger},
		},
		Version: "test",
	}
	if dir, err := route.Dir(fx.lookup); err == nil {
		app.Routes = &credhelper.Routes{Dir: dir, Environ: fx.environ(), Engine: fx.engineExe, Warned: warned}
	}
	code = app.Run(context.Background(), args)
	return out.String(), errOut.String(), code
}

// isolateAWSSDK points the AWS SDK, which reads the process environment
// and not the fixture's (see providers/ecr/session.go), away from this
// machine's AWS files and instance metadata, as the fixture's environment
// says: an in-process ECR entry with nothing cached then fails at once
// rather than after the metadata client's retries.
func isolateAWSSDK(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "aws-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "aws-credentials"))
}

// noNetwork fails every request: an engine run the front could have
// answered needs none.
type noNetwork struct{}

func (noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, errors.New("test: no network for " + r.URL.Host)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
