package acr

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/syncbuf"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/acr/acrtest"
	"github.com/regcred/regcred/providers/netdeps"
)

// harness is one fake Azure with one registry, and providers built with a
// fixed environment (an empty home, no Azure variables) and a log sink.
type harness struct {
	cloud  *acrtest.Cloud
	reg    *acrtest.Registry
	env    testkit.Env
	logger *slog.Logger
	logs   *syncbuf.Buffer
	dir    string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	c := acrtest.New(t)
	logger, logs := testkit.DebugLogger()
	return &harness{
		cloud: c, reg: c.NewRegistry(t, acrtest.RegistryOptions{Name: "myreg.azurecr.io"}),
		env:    testkit.Env{"HOME": t.TempDir(), "PATH": t.TempDir()},
		logger: logger, logs: logs, dir: t.TempDir(),
	}
}

func (h *harness) provider(t *testing.T, cfg Config) *Provider {
	t.Helper()
	p, err := New(cfg, netdeps.Deps{
		HTTPClient: h.cloud.Client(),
		Deps:       providers.Deps{Now: time.Now, LookupEnv: h.env.Lookup, Logger: h.logger},
	})
	require.NoError(t, err, "New")
	return p
}

// get asks for the registry's credential, matched by the built-in pattern.
func (h *harness) get(t *testing.T, cfg Config) (providers.Credential, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return h.provider(t, cfg).Credential(ctx, providers.Request{Registry: h.reg.Host, Repository: "team/app", Pattern: "*.azurecr.io"})
}

// mustGet asks and checks the answer is a live refresh token the registry
// issued to clientID, answered with its own expiry.
func (h *harness) mustGet(t *testing.T, cfg Config, clientID string) providers.Credential {
	t.Helper()
	cred, err := h.get(t, cfg)
	require.NoError(t, err, "Credential")
	assert.Equal(t, Username, cred.Username)
	ref, ok := h.reg.Lookup(cred.Secret.Reveal())
	require.True(t, ok, "the secret answered is not a live refresh token the registry issued")
	assert.Equal(t, clientID, ref.ClientID, "the refresh token is another principal's")
	assert.True(t, cred.ExpiresAt.Equal(ref.Expires), "expiry %s, the token's exp is %s", cred.ExpiresAt, ref.Expires)
	return cred
}

// secretApp is an app with a client secret, granted pull on the registry.
func (h *harness) secretApp() (*acrtest.App, string) {
	app := h.cloud.Entra.NewApp("")
	secret := app.NewSecret()
	h.reg.GrantPull(app.ClientID)
	return app, secret
}

func (h *harness) file(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(h.dir, name)
	testkit.WriteFile(t, path, content)
	return path
}
