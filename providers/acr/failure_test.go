package acr

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/acr/acrtest"
)

// Every refusal is classified, says what to do, and holds no secret.
func TestRefusalsAreExplainedWithoutSecrets(t *testing.T) {
	tests := []struct {
		name  string
		setUp func(t *testing.T, h *harness) (Config, []string)
		want  error
		says  []string
	}{
		{name: "wrong client secret", want: providers.ErrDenied, says: []string{"AADSTS7000215", "client secret is wrong or expired"},
			setUp: func(t *testing.T, h *harness) (Config, []string) {
				app, _ := h.secretApp()
				h.env["AZURE_TENANT_ID"], h.env["AZURE_CLIENT_ID"], h.env["AZURE_CLIENT_SECRET"] = app.Tenant, app.ClientID, "not-the-secret-123"
				return Config{}, []string{"not-the-secret-123"}
			}},
		{name: "unregistered certificate", want: providers.ErrDenied, says: []string{"AADSTS700027"},
			setUp: func(t *testing.T, h *harness) (Config, []string) {
				app := h.cloud.Entra.NewApp("")
				app.NewCertificate(t, t.TempDir())
				path := acrtest.UnregisteredCertificate(t, h.dir)
				return Config{TenantID: app.Tenant, ClientID: app.ClientID, CertificateFile: path}, []string{keyLine(t, path)}
			}},
		{name: "expired federated token", want: providers.ErrDenied, says: []string{"AADSTS700024", "clock"},
			setUp: func(t *testing.T, h *harness) (Config, []string) {
				app, iss := h.federatedApp(t, "system:serviceaccount:ci:builder")
				tok := iss.Token(t, "system:serviceaccount:ci:builder", acrtest.ExchangeAudience, -time.Hour)
				h.env["AZURE_TENANT_ID"], h.env["AZURE_CLIENT_ID"], h.env["AZURE_FEDERATED_TOKEN_FILE"] = app.Tenant, app.ClientID, h.file(t, "token", tok)
				return Config{}, []string{tok}
			}},
		{name: "federated token of another subject", want: providers.ErrDenied, says: []string{"AADSTS700213", "federated-credential"},
			setUp: func(t *testing.T, h *harness) (Config, []string) {
				app, iss := h.federatedApp(t, "system:serviceaccount:ci:builder")
				tok := iss.Token(t, "system:serviceaccount:ci:intruder", acrtest.ExchangeAudience, time.Hour)
				h.env["AZURE_TENANT_ID"], h.env["AZURE_CLIENT_ID"], h.env["AZURE_FEDERATED_TOKEN_FILE"] = app.Tenant, app.ClientID, h.file(t, "token", tok)
				return Config{}, []string{tok}
			}},
		{name: "federated token for another audience", want: providers.ErrDenied, says: []string{"AADSTS700212"},
			setUp: func(t *testing.T, h *harness) (Config, []string) {
				app, iss := h.federatedApp(t, "system:serviceaccount:ci:builder")
				tok := iss.Token(t, "system:serviceaccount:ci:builder", "https://kubernetes.default.svc", time.Hour)
				h.env["AZURE_TENANT_ID"], h.env["AZURE_CLIENT_ID"], h.env["AZURE_FEDERATED_TOKEN_FILE"] = app.Tenant, app.ClientID, h.file(t, "token", tok)
				return Config{}, []string{tok}
			}},
		{name: "user-assigned identity not on this machine", want: providers.ErrNoIdentity, says: []string{"no such managed identity"},
			setUp: func(t *testing.T, h *harness) (Config, []string) {
				h.cloud.IMDS.AssignSystem()
				return Config{ClientID: "11111111-2222-3333-4444-555555555555"}, nil
			}},
		{name: "principal without AcrPull", want: providers.ErrDenied, says: []string{"AcrPull", "does not have permission"},
			setUp: func(t *testing.T, h *harness) (Config, []string) {
				app := h.cloud.Entra.NewApp("")
				secret := app.NewSecret()
				h.env["AZURE_TENANT_ID"], h.env["AZURE_CLIENT_ID"], h.env["AZURE_CLIENT_SECRET"] = app.Tenant, app.ClientID, secret
				return Config{}, []string{secret}
			}},
		{name: "secret without a tenant", want: providers.ErrNoIdentity, says: []string{"AZURE_CLIENT_SECRET is set", "tenant (tenantId or AZURE_TENANT_ID)"},
			setUp: func(t *testing.T, h *harness) (Config, []string) {
				app, secret := h.secretApp()
				h.env["AZURE_CLIENT_ID"], h.env["AZURE_CLIENT_SECRET"] = app.ClientID, secret
				return Config{}, []string{secret}
			}},
		{name: "missing secret file", want: providers.ErrNoIdentity, says: []string{"clientSecretFile", "does not exist"},
			setUp: func(t *testing.T, h *harness) (Config, []string) {
				app, secret := h.secretApp()
				return Config{TenantID: app.Tenant, ClientID: app.ClientID, ClientSecretFile: h.dir + "/nope"}, []string{secret}
			}},
		{name: "plain-http authority from the environment", want: providers.ErrInvalid, says: []string{"AZURE_AUTHORITY_HOST", "https"},
			setUp: func(t *testing.T, h *harness) (Config, []string) {
				app, secret := h.secretApp()
				h.env["AZURE_TENANT_ID"], h.env["AZURE_CLIENT_ID"], h.env["AZURE_CLIENT_SECRET"] = app.Tenant, app.ClientID, secret
				h.env["AZURE_AUTHORITY_HOST"] = "http://" + secret + ".example/"
				return Config{}, []string{secret}
			}},
		{name: "Entra down", want: providers.ErrUnavailable, says: []string{"not serving", "try again later"},
			setUp: func(t *testing.T, h *harness) (Config, []string) {
				app, secret := h.secretApp()
				h.cloud.Entra.SetOutage(http.StatusServiceUnavailable)
				return Config{TenantID: app.Tenant, ClientID: app.ClientID, ClientSecretFile: h.file(t, "s", secret)}, []string{secret}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			cfg, secrets := tt.setUp(t, h)
			_, err := h.get(t, cfg)
			testkit.WantErr(t, err, tt.want, tt.says...)
			assert.NotErrorIs(t, err, providers.ErrAbsent, "a broken identity is not an absent one")
			if len(secrets) > 0 {
				testkit.AssertNoSecret(t, "error", err.Error(), secrets...)
				testkit.AssertNoSecret(t, "log", h.logs.String(), secrets...)
			}
		})
	}
}

// A glob never sends an Entra token to a host that is not ACR's; an exact
// entry may, and plain http only to loopback.
func TestTheTokenGoesOnlyToACROrAnExactHost(t *testing.T) {
	tests := []struct {
		name, registry, pattern string
		ok                      bool
		scheme                  string
	}{
		{name: "ACR by glob", registry: "myreg.azurecr.io", pattern: "*.azurecr.io", ok: true, scheme: "https"},
		{name: "sovereign", registry: "myreg.azurecr.cn", pattern: "myreg.azurecr.cn/team", ok: true, scheme: "https"},
		{name: "look-alike by glob", registry: "myreg.azurecr.io.evil.example", pattern: "*.azurecr.io.evil.example"},
		{name: "other host by glob", registry: "reg.example.com", pattern: "*.example.com"},
		{name: "exact host", registry: "reg.example.com", pattern: "reg.example.com", ok: true, scheme: "https"},
		{name: "exact loopback", registry: "127.0.0.1:5000", pattern: "127.0.0.1:5000/ns", ok: true, scheme: "http"},
		{name: "exact host, other registry", registry: "reg.example.com", pattern: "other.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := registryOf(providers.Request{Registry: tt.registry, Pattern: tt.pattern})
			if !tt.ok {
				testkit.WantErr(t, err, providers.ErrInvalid, "not an ACR login server")
				return
			}
			if assert.NoError(t, err) {
				assert.Equal(t, tt.scheme, r.scheme)
			}
		})
	}
}

func TestIdentityFiles(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		env  testkit.Env
		want []string
	}{
		{name: "the CLI's profile under HOME", env: testkit.Env{"HOME": "/home/u"}, want: []string{"/home/u/.azure/azureProfile.json"}},
		{name: "AZURE_CONFIG_DIR", env: testkit.Env{"HOME": "/home/u", "AZURE_CONFIG_DIR": "/cfg"}, want: []string{"/cfg/azureProfile.json"}},
		{name: "the certificate of the environment", env: testkit.Env{"AZURE_CLIENT_CERTIFICATE_PATH": "/etc/sp.pem"}, want: []string{"/etc/sp.pem"}},
		{name: "the entry's secret file, home expanded", cfg: Config{ClientSecretFile: "~/s"}, env: testkit.Env{"HOME": "/home/u"},
			want: []string{"/home/u/s", "/home/u/.azure/azureProfile.json"}},
		{name: "the entry's certificate over the environment's", cfg: Config{CertificateFile: "/a.pem"}, env: testkit.Env{"AZURE_CLIENT_CERTIFICATE_PATH": "/b.pem"},
			want: []string{"/a.pem"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.cfg.IdentityFiles(tt.env.Lookup))
		})
	}
}

func (h *harness) federatedApp(t *testing.T, subject string) (*acrtest.App, *acrtest.Issuer) {
	t.Helper()
	app := h.cloud.Entra.NewApp("")
	h.reg.GrantPull(app.ClientID)
	iss := h.cloud.Entra.NewIssuer(t)
	app.Federate(iss, subject)
	return app, iss
}
