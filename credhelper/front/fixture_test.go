package front

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regcred/regcred/credhelper"
	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
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

// fixture is a home directory holding a config and the engine's stores,
// with the environment a run sees. The same fixture drives the Front and,
// beside it, the engine (credhelper.App), so their answers can be compared.
type fixture struct {
	home string
	env  map[string]string
}

// newFixture writes configYAML ("$HOME" stands for the fixture's home; ""
// writes no config at all) with mode perm (0 means 0600).
func newFixture(tb testing.TB, configYAML string, perm os.FileMode) *fixture {
	tb.Helper()
	home := tb.TempDir()
	fx := &fixture{home: home, env: map[string]string{"HOME": home, "AWS_PROFILE": "dev", "REG_PW": "s3cret"}}
	if configYAML == "" {
		return fx
	}
	if perm == 0 {
		perm = 0o600
	}
	p := filepath.Join(home, "config.yaml")
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(configYAML, "$HOME", home)), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.Chmod(p, perm); err != nil { // WriteFile's mode is filtered by the umask
		tb.Fatal(err)
	}
	fx.env["REGCRED_CONFIG"] = p
	return fx
}

func (fx *fixture) lookup(k string) (string, bool) { v, ok := fx.env[k]; return v, ok }

// front is a Front on stdin for goos, writing to the returned buffer.
func (fx *fixture) front(stdin io.Reader, goos string) (*Front, *bytes.Buffer) {
	var out bytes.Buffer
	return &Front{Stdin: stdin, Stdout: &out, LookupEnv: fx.lookup, HomeDir: fx.env["HOME"], Now: time.Now, GOOS: goos}, &out
}

// prime caches a token for host the way the engine does: through the file
// cache's Credential with a fetch, under the first matching entry's key.
// The token was issued at storedAt and lives for lifetime.
func (fx *fixture) prime(tb testing.TB, host, secret string, storedAt time.Time, lifetime time.Duration) {
	tb.Helper()
	cfg, err := config.LoadConfig("", config.Env{LookupEnv: fx.lookup, HomeDir: fx.home}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	t, err := matcher.Normalize(host)
	if err != nil {
		tb.Fatal(err)
	}
	e := firstMatch(cfg.Entries(), t)
	if e == nil || !e.Cached() {
		tb.Fatalf("no cached entry matches %s", host)
	}
	c, err := cache.Open(cache.Options{Kind: cache.KindFile, Dir: cfg.Cache.Dir, LookupEnv: fx.lookup,
		Now: func() time.Time { return storedAt }})
	if err != nil {
		tb.Fatal(err)
	}
	fetch := func(context.Context) (providers.Credential, error) {
		return providers.Credential{Username: "AWS", Secret: providers.Secret(secret), ExpiresAt: storedAt.Add(lifetime)}, nil
	}
	item := cache.Item{Key: e.CacheKey(t, nil, fx.lookup), Registry: t.Registry(), Source: e.String()}
	if _, outcome, err := c.Credential(context.Background(), item, fetch); err != nil || outcome != cache.Fetched {
		tb.Fatalf("priming the cache for %s: %v %v", host, outcome, err)
	}
}

// storeLogin keeps a `docker login` for registry by running the engine's
// store, as docker does after a login.
func (fx *fixture) storeLogin(tb testing.TB, registry, user, secret string) {
	tb.Helper()
	stdin := `{"ServerURL":"` + registry + `","Username":"` + user + `","Secret":"` + secret + `"}`
	if out, errOut, code := fx.engine(tb, stdin, "store"); code != 0 || errOut != "" {
		tb.Fatalf("store %s: exit %d: %s %s", registry, code, out, errOut)
	}
	cfg, err := config.LoadConfig("", config.Env{LookupEnv: fx.lookup, HomeDir: fx.home}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if !config.HasLogin(cfg.Cache, fx.lookup, registry) {
		tb.Fatalf("store %s kept no login", registry)
	}
}

// engine runs the backend's engine in-process on the fixture: what
// regcred-backend would print on stdout and stderr (warnings and up, its
// default) and its exit code. It has no keyring, as on a machine without
// a session bus, and no network.
func (fx *fixture) engine(tb testing.TB, stdin string, args ...string) (stdout, stderr string, code int) {
	tb.Helper()
	var out, errOut bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&errOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	app := &credhelper.App{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Env: config.Env{LookupEnv: fx.lookup, HomeDir: fx.env["HOME"]},
		Deps: netdeps.Deps{
			HTTPClient: &http.Client{Transport: noNetwork{}},
			Deps:       providers.Deps{Now: time.Now, LookupEnv: fx.lookup, Logger: logger},
		},
		Version: "test",
	}
	code = app.Run(context.Background(), args)
	return out.String(), errOut.String(), code
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
