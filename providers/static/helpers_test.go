package static

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

// Secrets used by the tests. Every error and log line is scanned for them.
const (
	secretPass  = "pw-9f1c-SECRET"
	secretToken = "tok-77aa-SECRET"
	secretOther = "other-5e2d-SECRET"
)

var allSecrets = []string{secretPass, secretToken, secretOther, testkit.B64("alice:" + secretPass)}

// writeFiles creates the named files under dir and returns dir.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		testkit.WriteFile(t, filepath.Join(dir, name), content)
	}
	return dir
}

// run builds a provider and asks it once, returning what the logger saw.
func run(t *testing.T, cfg Config, env map[string]string, req providers.Request) (providers.Credential, string, error) {
	t.Helper()
	logger, logs := testkit.DebugLogger()
	deps := providers.Deps{
		LookupEnv: testkit.Env(env).Lookup,
		Logger:    logger,
	}
	p, err := New(cfg, deps)
	require.NoError(t, err, "New")
	cred, err := p.Credential(context.Background(), req)
	return cred, logs.String(), err
}

// assertNoSecret fails when any test secret appears in text.
func assertNoSecret(t *testing.T, what, text string) {
	t.Helper()
	testkit.AssertNoSecret(t, what, text, allSecrets...)
}
