package acr

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/acr/acrtest"
)

// Each identity source yields a refresh token through the real SDK flows
// against the fakes, and nothing secret reaches the logs.
func TestEachIdentitySourceYieldsARefreshToken(t *testing.T) {
	tests := []struct {
		name string
		// setUp registers the identity, sets the environment and returns
		// the entry's settings, the client ID expected and the secrets
		// that must not be logged.
		setUp func(t *testing.T, h *harness) (Config, string, []string)
		via   string
	}{
		{name: "client secret from the environment", via: "client_secret", setUp: func(t *testing.T, h *harness) (Config, string, []string) {
			app, secret := h.secretApp()
			h.env["AZURE_TENANT_ID"], h.env["AZURE_CLIENT_ID"], h.env["AZURE_CLIENT_SECRET"] = app.Tenant, app.ClientID, secret
			return Config{}, app.ClientID, []string{secret}
		}},
		{name: "client secret file of the entry", via: "client_secret", setUp: func(t *testing.T, h *harness) (Config, string, []string) {
			app, secret := h.secretApp()
			return Config{TenantID: app.Tenant, ClientID: app.ClientID, ClientSecretFile: h.file(t, "secret", secret+"\n")}, app.ClientID, []string{secret}
		}},
		{name: "certificate from the environment", via: "certificate", setUp: func(t *testing.T, h *harness) (Config, string, []string) {
			app := h.cloud.Entra.NewApp("")
			h.reg.GrantPull(app.ClientID)
			h.env["AZURE_TENANT_ID"], h.env["AZURE_CLIENT_ID"] = app.Tenant, app.ClientID
			h.env["AZURE_CLIENT_CERTIFICATE_PATH"] = app.NewCertificate(t, h.dir)
			return Config{}, app.ClientID, []string{keyLine(t, h.env["AZURE_CLIENT_CERTIFICATE_PATH"])}
		}},
		{name: "certificate file of the entry", via: "certificate", setUp: func(t *testing.T, h *harness) (Config, string, []string) {
			app := h.cloud.Entra.NewApp("")
			h.reg.GrantPull(app.ClientID)
			path := app.NewCertificate(t, h.dir)
			return Config{TenantID: app.Tenant, ClientID: app.ClientID, CertificateFile: path}, app.ClientID, []string{keyLine(t, path)}
		}},
		{name: "workload identity", via: "federated", setUp: func(t *testing.T, h *harness) (Config, string, []string) {
			app := h.cloud.Entra.NewApp("")
			h.reg.GrantPull(app.ClientID)
			iss := h.cloud.Entra.NewIssuer(t)
			app.Federate(iss, "system:serviceaccount:ci:builder")
			tok := iss.Token(t, "system:serviceaccount:ci:builder", acrtest.ExchangeAudience, time.Hour)
			h.env["AZURE_TENANT_ID"], h.env["AZURE_CLIENT_ID"] = app.Tenant, app.ClientID
			h.env["AZURE_FEDERATED_TOKEN_FILE"] = h.file(t, "token", tok)
			return Config{}, app.ClientID, []string{tok}
		}},
		{name: "system-assigned managed identity", via: "managed_identity", setUp: func(t *testing.T, h *harness) (Config, string, []string) {
			id := h.cloud.IMDS.AssignSystem()
			h.reg.GrantPull(id)
			return Config{}, id, nil
		}},
		{name: "user-assigned managed identity", via: "managed_identity", setUp: func(t *testing.T, h *harness) (Config, string, []string) {
			h.cloud.IMDS.AssignSystem()
			id := h.cloud.IMDS.AssignUser()
			h.reg.GrantPull(id)
			return Config{ClientID: id}, id, nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			cfg, client, secrets := tt.setUp(t, h)
			cred := h.mustGet(t, cfg, client)
			assert.WithinDuration(t, time.Now().Add(acrtest.RefreshLifetime), cred.ExpiresAt, time.Minute)
			if tt.via == "client_secret" || tt.via == "certificate" || tt.via == "federated" {
				assert.Equal(t, 1, h.cloud.Entra.Requests(tt.via), "Entra's %s grant", tt.via)
			}
			testkit.AssertNoSecret(t, "log", h.logs.String(), append(secrets, cred.Secret.Reveal())...)
		})
	}
}

// The Azure CLI runs as azidentity runs it: through the shell, with the
// process's PATH. So this test sets the process's PATH and is not parallel.
func TestAzureCLILogin(t *testing.T) {
	h := newHarness(t)
	h.cloud.IMDS.TurnOff()
	app := h.cloud.Entra.NewApp("")
	h.reg.GrantPull(app.ClientID)
	dir := h.cloud.WriteAz(t, acrtest.AzLogin{App: app})
	h.env["PATH"] = dir
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	cred := h.mustGet(t, Config{}, app.ClientID)
	testkit.AssertNoSecret(t, "log", h.logs.String(), cred.Secret.Reveal())

	t.Run("logged out", func(t *testing.T) {
		dir := h.cloud.WriteAz(t, acrtest.AzLogin{App: app, LoggedOut: true})
		h.env["PATH"] = dir
		t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
		_, err := h.get(t, Config{})
		testkit.WantErr(t, err, providers.ErrNoIdentity, "az login")
		assert.NotErrorIs(t, err, providers.ErrAbsent, "a logged-out CLI is an identity to fix, not an absent one")
	})
}

func TestNoIdentityAtAllIsAbsent(t *testing.T) {
	h := newHarness(t)
	h.cloud.IMDS.TurnOff()
	_, err := h.get(t, Config{})
	testkit.WantErr(t, err, providers.ErrNoIdentity, "no Azure identity found", "no Azure IMDS", "no Azure CLI", "az login")
	assert.ErrorIs(t, err, providers.ErrAbsent, "the cache should remember this absence")
	assert.Zero(t, h.reg.Exchanges(), "the registry was asked without an identity")
}

// keyLine is a line from the middle of a PEM private key: if any of the
// key reached a message, this would.
func keyLine(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := splitLines(string(b))
	return lines[len(lines)-4]
}

func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		out = append(out, s[:i])
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return out
}
