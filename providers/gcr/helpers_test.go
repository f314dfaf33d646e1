package gcr

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/syncbuf"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/gcr/gcrtest"
	"github.com/regcred/regcred/providers/netdeps"
)

// testEnv is a process-free environment: an empty home and gcloud config
// dir, and GCE_METADATA_HOST at a closed port, so nothing a test does
// reaches past 127.0.0.1 or reads the developer's own credentials.
func testEnv(t *testing.T) testkit.Env {
	t.Helper()
	home := t.TempDir()
	return testkit.Env{
		"HOME":              home,
		"CLOUDSDK_CONFIG":   t.TempDir(),
		"GCE_METADATA_HOST": gcrtest.ClosedAddr(t),
	}
}

// harness builds providers with a fixed environment, a log sink and an
// optional fixed clock.
type harness struct {
	env    testkit.Env
	now    func() time.Time
	logger *slog.Logger
	logs   *syncbuf.Buffer
}

func newHarness(t *testing.T) *harness {
	logger, logs := testkit.DebugLogger()
	return &harness{env: testEnv(t), now: time.Now, logger: logger, logs: logs}
}

func (h *harness) provider(t *testing.T, cfg Config) *Provider {
	t.Helper()
	p, err := New(cfg, netdeps.Deps{
		HTTPClient: &http.Client{Timeout: 20 * time.Second},
		Deps: providers.Deps{
			Now:       h.now,
			LookupEnv: h.env.Lookup,
			Logger:    h.logger,
		},
	})
	require.NoError(t, err, "New")
	p.environ = h.env.Environ
	return p
}

// get asks for a gcr.io credential.
func get(t *testing.T, p *Provider) (providers.Credential, error) {
	t.Helper()
	return p.Credential(context.Background(), providers.Request{Registry: "gcr.io", Repository: "proj/app", Pattern: "gcr.io"})
}

// mustGet asks for a credential and checks that the fake issued it.
func mustGet(t *testing.T, p *Provider, srv *gcrtest.Server) (providers.Credential, gcrtest.Issued) {
	t.Helper()
	cred, err := get(t, p)
	require.NoError(t, err, "Credential")
	assert.Equal(t, Username, cred.Username, "username")
	iss, ok := srv.Lookup(cred.Secret.Reveal())
	require.True(t, ok, "the secret answered is not a token the fake issued")
	return cred, iss
}

// pemBody is a line from the middle of a PEM private key: if any of the
// key reached a message, this would.
func pemBody(keyJSON []byte) string {
	lines := strings.Split(string(keyJSON), `\n`)
	return lines[len(lines)/2]
}
