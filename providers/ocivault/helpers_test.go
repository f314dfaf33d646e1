package ocivault

import (
	"encoding/base64"
	"log/slog"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/regcred/regcred/internal/syncbuf"
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
	logs    *syncBuffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	keys := ocitest.NewKeys()
	key, err := ocitest.NewAPIKey(keys)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := key.WriteConfig(t.TempDir(), ocitest.Profile{Region: "us-ashburn-1"}, ocitest.Profile{Name: "NOREGION"})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{
		keys:    keys,
		secrets: ocitest.NewSecrets(t, &ocitest.Verifier{Keys: keys}),
		key:     key,
		config:  cfg,
		logs:    &syncBuffer{},
	}
}

// deps reads env from the map only, logs into f.logs.
func (f *fixture) deps(env map[string]string) netdeps.Deps {
	return netdeps.Deps{
		HTTPClient: &http.Client{Timeout: 10 * time.Second},
		Deps: providers.Deps{
			Now: time.Now,
			LookupEnv: func(k string) (string, bool) {
				v, ok := env[k]
				return v, ok
			},
			Logger: slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
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
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	p.backoff = 0
	return p
}

// putSecret stores a one-version secret holding username/password.
func (f *fixture) putSecret(id, name, user, pass string) {
	f.secrets.Put(ocitest.Secret{
		ID: id, Name: name, VaultID: testVaultID,
		Versions: []ocitest.Version{{Number: 1, Stages: []string{"CURRENT", "LATEST"}, Content: ocitest.PullSecret(user, pass)}},
	})
}

// syncBuffer collects log output from concurrent goroutines.
type syncBuffer = syncbuf.Buffer

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

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
