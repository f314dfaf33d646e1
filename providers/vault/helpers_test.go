package vault_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/syncbuf"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
	"github.com/regcred/regcred/providers/vault"
	"github.com/regcred/regcred/providers/vault/vaulttest"
)

// harness is a fake Vault, a clock both sides read, and the provider's
// environment and log output.
type harness struct {
	// vault is the fake; nil in tests against the real server (realWorld).
	vault  *vaulttest.Server
	clock  *testkit.Clock
	env    testkit.Env
	logger *slog.Logger
	logs   *syncbuf.Buffer
}

// newWorld is a harness without a fake: a clock at the current second, an
// empty environment and a debug logger.
func newWorld() *harness {
	logger, logs := testkit.DebugLogger()
	return &harness{
		clock:  testkit.NewClock(time.Now().Truncate(time.Second)),
		env:    testkit.Env{},
		logger: logger,
		logs:   logs,
	}
}

func newHarness(t *testing.T, opts ...vaulttest.Option) *harness {
	t.Helper()
	h := newWorld()
	h.vault = vaulttest.New(t, append([]vaulttest.Option{vaulttest.WithClock(h.clock.Now)}, opts...)...)
	return h
}

func (h *harness) deps() netdeps.Deps {
	return netdeps.Deps{
		HTTPClient: &http.Client{},
		Deps: providers.Deps{
			Now:       h.clock.Now,
			LookupEnv: h.env.Lookup,
			Logger:    h.logger,
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
	require.NoError(t, err, "New")
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
	testkit.AssertNoSecret(t, "the error or logs", text, secrets...)
}
