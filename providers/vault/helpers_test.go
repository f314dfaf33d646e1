package vault_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regcred/regcred/internal/syncbuf"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
	"github.com/regcred/regcred/providers/vault"
	"github.com/regcred/regcred/providers/vault/vaulttest"
)

// clock is a settable time source shared by the provider and the fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is an injected environment.
type env map[string]string

func (e env) lookup(k string) (string, bool) {
	v, ok := e[k]
	return v, ok
}

// harness is a fake Vault, a clock both sides read, and the provider's
// environment and log output.
type harness struct {
	// vault is the fake; nil in tests against the real server (realWorld).
	vault *vaulttest.Server
	clock *clock
	env   env
	logs  *syncBuffer
}

func newHarness(t *testing.T, opts ...vaulttest.Option) *harness {
	t.Helper()
	c := newClock()
	return &harness{
		vault: vaulttest.New(t, append([]vaulttest.Option{vaulttest.WithClock(c.Now)}, opts...)...),
		clock: c,
		env:   env{},
		logs:  &syncBuffer{},
	}
}

func (h *harness) deps() netdeps.Deps {
	return netdeps.Deps{
		HTTPClient: &http.Client{},
		Deps: providers.Deps{
			Now:       h.clock.Now,
			LookupEnv: h.env.lookup,
			Logger:    slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		},
	}
}

// provider builds a provider for cfg, with the fake's address unless cfg
// names one.
func (h *harness) provider(t *testing.T, cfg vault.Config) *vault.Provider {
	t.Helper()
	if cfg.Address == "" {
		cfg.Address = h.vault.URL
	}
	p, err := vault.New(cfg, h.deps())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

// get asks for a credential for an arbitrary registry.
func get(p *vault.Provider) (providers.Credential, error) {
	return p.Credential(context.Background(), providers.Request{Registry: "registry.example.com"})
}

// noSecrets fails if any secret appears in the error or the logs.
func (h *harness) noSecrets(t *testing.T, err error, secrets ...string) {
	t.Helper()
	text := h.logs.String()
	if err != nil {
		text += "\n" + err.Error()
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("a secret (%.6s…) appears in the error or logs:\n%s", s, text)
		}
	}
}

// wantErr checks err against a wanted error value and message fragments.
func wantErr(t *testing.T, err, target error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %v", target)
	}
	if target != nil && !errors.Is(err, target) {
		t.Errorf("err = %v, want it to wrap %v", err, target)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("err = %q, want it to contain %q", err, f)
		}
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// syncBuffer collects log output from concurrent goroutines.
type syncBuffer = syncbuf.Buffer
