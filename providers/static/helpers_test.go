package static

import (
	"bytes"
	"context"
	"encoding/base64"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regcred/regcred/providers"
)

// Secrets used by the tests. Every error and log line is scanned for them.
const (
	secretPass  = "pw-9f1c-SECRET"
	secretToken = "tok-77aa-SECRET"
	secretOther = "other-5e2d-SECRET"
)

var allSecrets = []string{secretPass, secretToken, secretOther, b64("alice:" + secretPass)}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// fakeEnv stands in for the process environment.
type fakeEnv map[string]string

func (f fakeEnv) lookup(k string) (string, bool) {
	v, ok := f[k]
	return v, ok
}

// writeFiles creates the named files under dir and returns dir.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// run builds a provider and asks it once, returning what the logger saw.
func run(t *testing.T, cfg Config, env map[string]string, req providers.Request) (providers.Credential, string, error) {
	t.Helper()
	var logs bytes.Buffer
	deps := providers.Deps{
		LookupEnv: fakeEnv(env).lookup,
		Logger:    slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	p, err := New(cfg, deps)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	cred, err := p.Credential(context.Background(), req)
	return cred, logs.String(), err
}

// assertNoSecret fails when any test secret appears in text.
func assertNoSecret(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range allSecrets {
		if strings.Contains(text, s) {
			t.Errorf("%s leaks a secret: %q", what, text)
		}
	}
}

// writeFilesAt creates dir and one file in it.
func writeFilesAt(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
