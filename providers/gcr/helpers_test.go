package gcr

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/regcred/regcred/internal/syncbuf"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/gcr/gcrtest"
	"github.com/regcred/regcred/providers/netdeps"
)

// testEnv is a process-free environment: an empty home and gcloud config
// dir, and GCE_METADATA_HOST at a closed port, so nothing a test does
// reaches past 127.0.0.1 or reads the developer's own credentials.
func testEnv(t *testing.T) map[string]string {
	t.Helper()
	home := t.TempDir()
	return map[string]string{
		"HOME":              home,
		"CLOUDSDK_CONFIG":   t.TempDir(),
		"GCE_METADATA_HOST": gcrtest.ClosedAddr(t),
	}
}

// harness builds providers with a fixed environment, a log sink and an
// optional fixed clock.
type harness struct {
	env  map[string]string
	now  func() time.Time
	logs *syncBuffer
}

func newHarness(t *testing.T) *harness {
	return &harness{env: testEnv(t), now: time.Now, logs: &syncBuffer{}}
}

func (h *harness) provider(t *testing.T, cfg Config) *Provider {
	t.Helper()
	p, err := New(cfg, netdeps.Deps{
		HTTPClient: &http.Client{Timeout: 20 * time.Second},
		Deps: providers.Deps{
			Now: h.now,
			LookupEnv: func(k string) (string, bool) {
				v, ok := h.env[k]
				return v, ok
			},
			Logger: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
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
	if err != nil {
		t.Fatalf("Credential: %v", err)
	}
	if cred.Username != Username {
		t.Errorf("username %q, want %q", cred.Username, Username)
	}
	iss, ok := srv.Lookup(cred.Secret.Reveal())
	if !ok {
		t.Fatalf("the secret answered is not a token the fake issued")
	}
	return cred, iss
}

// wantErr checks the error's kind and that its text carries every hint.
func wantErr(t *testing.T, err error, kind error, hints ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %v", kind)
	}
	t.Logf("error: %v", err)
	if !errors.Is(err, kind) {
		t.Errorf("error %q is not %v", err, kind)
	}
	for _, h := range hints {
		if !strings.Contains(err.Error(), h) {
			t.Errorf("error %q does not mention %q", err, h)
		}
	}
}

// noSecrets fails when any secret appears in text.
func noSecrets(t *testing.T, where, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s contains a secret (%.12s…): %s", where, s, text)
		}
	}
}

// pemBody is a line from the middle of a PEM private key: if any of the
// key reached a message, this would.
func pemBody(keyJSON []byte) string {
	lines := strings.Split(string(keyJSON), `\n`)
	return lines[len(lines)/2]
}

// syncBuffer collects log output from concurrent goroutines.
type syncBuffer = syncbuf.Buffer

func errorsIs(err, target error) bool { return errors.Is(err, target) }
