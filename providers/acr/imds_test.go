package acr

import (
	"context"
	"errors"
	"net/http"
	"os"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/acr/acrtest"
)

// TestACRManagedIdentityThroughIMDS: the managed identity through
// azidentity's and MSAL's own IMDS code, at IMDS's own address
// (169.254.169.254:80 in a network namespace of the test's), then the
// registry's exchange. The fake wants Metadata: true, api-version and
// resource, and client_id for a user-assigned identity, and answers as
// IMDS does, "Identity not found" included. Each case is a process of its
// own (PrivateNetwork), so MSAL's process-wide token cache cannot answer
// for the fake.
func TestACRManagedIdentityThroughIMDS(t *testing.T) {
	tests := []struct {
		name string
		// setUp assigns identities and returns the entry's settings and the
		// client ID the credential must be for ("" when none must be had).
		setUp func(t *testing.T, h *harness) (cfg Config, client string)
		want  error
		// absent: the error must be remembered as no identity here.
		absent bool
		says   []string
		// imdsTokens is how many tokens IMDS must have given.
		imdsTokens int
	}{
		{name: "system-assigned", imdsTokens: 1, setUp: func(t *testing.T, h *harness) (Config, string) {
			id := h.cloud.IMDS.AssignSystem()
			h.cloud.IMDS.AssignUser()
			h.reg.GrantPull(id)
			return Config{}, id
		}},
		{name: "user-assigned (clientId)", imdsTokens: 1, setUp: func(t *testing.T, h *harness) (Config, string) {
			h.cloud.IMDS.AssignSystem()
			id := h.cloud.IMDS.AssignUser()
			h.reg.GrantPull(id)
			return Config{ClientID: id}, id
		}},
		{name: "user-assigned (AZURE_CLIENT_ID)", imdsTokens: 1, setUp: func(t *testing.T, h *harness) (Config, string) {
			id := h.cloud.IMDS.AssignUser()
			h.reg.GrantPull(id)
			h.env["AZURE_CLIENT_ID"] = id
			return Config{}, id
		}},
		{name: "user-assigned identity not on this VM", want: providers.ErrNoIdentity,
			says: []string{"user-assigned 0b9d3c5e-1111-4a2b-9c3d-0123456789ab", "Identity not found", "clientId"},
			setUp: func(t *testing.T, h *harness) (Config, string) {
				h.reg.GrantPull(h.cloud.IMDS.AssignSystem())
				return Config{ClientID: "0b9d3c5e-1111-4a2b-9c3d-0123456789ab"}, ""
			}},
		{name: "VM without a system-assigned identity", want: providers.ErrNoIdentity, absent: true,
			says:  []string{"system-assigned", "Identity not found", "az login"},
			setUp: func(t *testing.T, h *harness) (Config, string) { return Config{}, "" }},
		{name: "VM without a system-assigned identity, logged in with az", setUp: func(t *testing.T, h *harness) (Config, string) {
			app := h.cloud.Entra.NewApp("")
			h.reg.GrantPull(app.ClientID)
			dir := h.cloud.WriteAz(t, acrtest.AzLogin{App: app})
			h.env["PATH"] = dir
			t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
			return Config{}, app.ClientID
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !testkit.PrivateNetwork(t, "169.254.169.254") {
				return
			}
			h := newHarness(t)
			h.cloud.IMDS.ServeAtOwnAddress(t)
			cfg, client := tt.setUp(t, h)
			if tt.want == nil {
				cred := h.mustGet(t, cfg, client)
				assert.Equal(t, tt.imdsTokens, h.cloud.IMDS.TokenRequests(), "tokens IMDS gave")
				testkit.AssertNoSecret(t, "log", h.logs.String(), cred.Secret.Reveal())
				return
			}
			_, err := h.get(t, cfg)
			testkit.WantErr(t, err, tt.want, tt.says...)
			assert.Equal(t, tt.absent, errors.Is(err, providers.ErrAbsent), "remembered as no identity here: %v", err)
			assert.NotContains(t, err.Error(), "{", "IMDS's JSON answer, verbatim")
			assert.NotContains(t, err.Error(), "aka.ms", "the SDK's troubleshooting link")
			assert.Zero(t, h.reg.Exchanges(), "the registry was asked without a token")
			require.NotContains(t, h.logs.String(), "access_token")
		})
	}
}

// TestTokenErrorOfAVMWithoutSystemIdentity: azidentity reports IMDS's 400
// for a system-assigned identity as a "credential unavailable" error with
// IMDS's answer quoted in its text (it carries no response); it is no
// identity here, told without the JSON. This runs without root, where
// TestACRManagedIdentityThroughIMDS shows the same through the SDK.
func TestTokenErrorOfAVMWithoutSystemIdentity(t *testing.T) {
	const prefix = "ManagedIdentityCredential: failed to authenticate a system assigned identity. The endpoint responded with "
	tests := []struct {
		name   string
		kind   sourceKind
		sdkErr string
		want   error
		absent bool
		says   string
	}{
		{name: "no system-assigned identity", kind: kindSystemManaged, sdkErr: prefix + `{"error":"invalid_request","error_description":"Identity not found"}`,
			want: providers.ErrNoIdentity, absent: true, says: "this VM has no system-assigned managed identity (invalid_request: Identity not found)"},
		{name: "another refusal", kind: kindSystemManaged, sdkErr: prefix + `{"error":"invalid_resource","error_description":"AADSTS500011: The resource principal was not found"}`,
			want: providers.ErrDenied, says: "the managed identity endpoint refused the managed identity (IMDS), system-assigned: invalid_resource: AADSTS500011"},
		{name: "not JSON", kind: kindSystemManaged, sdkErr: prefix + "<html>proxy error</html>", want: providers.ErrUnavailable, says: "not IMDS's JSON"},
		{name: "another source's text", kind: kindManaged, sdkErr: prefix + `{"error":"invalid_request","error_description":"Identity not found"}`,
			want: providers.ErrUnavailable, says: "gave no token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := source{name: "managed identity (IMDS), system-assigned", kind: tt.kind}
			err := src.tokenError(context.Background(), azidentity.NewCredentialUnavailableError(tt.sdkErr))
			testkit.WantErr(t, err, tt.want, tt.says)
			assert.Equal(t, tt.absent, errors.Is(err, providers.ErrAbsent), "remembered as no identity here")
			if tt.kind == kindSystemManaged {
				assert.NotContains(t, err.Error(), "{", "IMDS's JSON, verbatim")
				assert.NotContains(t, err.Error(), "<html>", "the answer, verbatim")
			}
		})
	}
}

func TestRefusalOfAnUnknownAppIsNotAFederationFix(t *testing.T) {
	const fix = "client c needs a federated credential with issuer \"i\""
	tests := []struct {
		name, body, says, not string
	}{
		{name: "no such application", body: `{"error":"unauthorized_client","error_description":"AADSTS700016: Application with identifier 'c' was not found in the directory 'd'."}`,
			says: "no such application or tenant; check clientId and tenantId", not: fix},
		{name: "no such tenant", body: `{"error":"invalid_request","error_description":"AADSTS90002: Tenant 'd' not found."}`,
			says: "no such application or tenant", not: fix},
		{name: "no matching federated credential", body: `{"error":"invalid_request","error_description":"AADSTS700213: No matching federated identity record found for presented assertion subject 's'."}`,
			says: fix},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := source{name: "identity token (github)", kind: kindIDToken, fix: fix}
			err := src.refused(http.StatusBadRequest, []byte(tt.body))
			testkit.WantErr(t, err, providers.ErrDenied, tt.says)
			if tt.not != "" {
				assert.NotContains(t, err.Error(), tt.not)
			}
		})
	}
}
