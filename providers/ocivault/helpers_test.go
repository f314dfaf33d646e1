package ocivault

import (
	"log/slog"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/syncbuf"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
	"github.com/regcred/regcred/providers/oci/ocitest"
)

const (
	testSecretID = "ocid1.vaultsecret.oc1.iad.amaaaaaafakesecret1"
	testVaultID  = "ocid1.vault.oc1.iad.bbbbbbbbfakevault1"
)

// fixture is a fake Secrets service and an API key it trusts, written to
// an OCI config file.
type fixture struct {
	keys    *ocitest.Keys
	secrets *ocitest.Secrets
	key     *ocitest.APIKey
	config  string // path of the OCI config file
	logger  *slog.Logger
	logs    *syncbuf.Buffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	keys := ocitest.NewKeys()
	key, cfg := ocitest.APIKeyConfig(t, keys, ocitest.Profile{Region: "us-ashburn-1"}, ocitest.Profile{Name: "NOREGION"})
	logger, logs := testkit.DebugLogger()
	return &fixture{
		keys:    keys,
		secrets: ocitest.NewSecrets(t, &ocitest.Verifier{Keys: keys}),
		key:     key,
		config:  cfg,
		logger:  logger,
		logs:    logs,
	}
}

// deps reads env from the map only, logs into f.logs.
func (f *fixture) deps(env map[string]string) netdeps.Deps {
	return netdeps.Deps{
		HTTPClient: &http.Client{Timeout: 10 * time.Second},
		Deps: providers.Deps{
			Now:       time.Now,
			LookupEnv: testkit.Env(env).Lookup,
			Logger:    f.logger,
		},
	}
}

// config is an entry using the fixture's config file and fake endpoint.
func (f *fixture) entry(c Config) Config {
	if c.ConfigFile == "" && c.Auth == "" {
		c.ConfigFile = f.config
	}
	c.Endpoint = f.secrets.URL
	return c
}

// provider builds a provider for c with no retry pauses.
func (f *fixture) provider(t *testing.T, c Config, env map[string]string) *Provider {
	t.Helper()
	p, err := New(f.entry(c), f.deps(env))
	require.NoError(t, err, "New")
	p.svc.Backoff = 0
	return p
}

// putSecret stores a one-version secret holding username/password.
func (f *fixture) putSecret(id, name, user, pass string) {
	f.secrets.Put(ocitest.Secret{
		ID: id, Name: name, VaultID: testVaultID,
		Versions: []ocitest.Version{{Number: 1, Stages: []string{"CURRENT", "LATEST"}, Content: ocitest.PullSecret(user, pass)}},
	})
}

// osEnv is the process environment as a map, for tests of principals
// whose variables the SDK reads from the process (set with t.Setenv).
func osEnv(keys ...string) map[string]string {
	m := map[string]string{}
	for _, k := range keys {
		if v, ok := os.LookupEnv(k); ok {
			m[k] = v
		}
	}
	return m
}
