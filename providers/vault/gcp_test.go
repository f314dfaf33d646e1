package vault_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/vault"
)

func TestGCPEngine(t *testing.T) {
	tests := []struct {
		name      string
		cfg       vault.Config
		wantUser  string
		wantToken string
		wantErr   error
		fragments []string
	}{
		{name: "roleset", cfg: vault.Config{Engine: "gcp", Roleset: "gcr-pull"}, wantUser: "oauth2accesstoken", wantToken: "ya29.roleset"},
		{name: "static account", cfg: vault.Config{Engine: "gcp", StaticAccount: "puller"}, wantUser: "oauth2accesstoken", wantToken: "ya29.static"},
		{name: "impersonated account", cfg: vault.Config{Engine: "gcp", ImpersonatedAccount: "ar-reader"}, wantUser: "oauth2accesstoken", wantToken: "ya29.impersonated"},
		{name: "custom mount and username", cfg: vault.Config{Engine: "gcp", Mount: "gcp-prod", Roleset: "gcr-pull", Username: "_token"}, wantUser: "_token", wantToken: "ya29.prod"},
		{name: "unknown roleset", cfg: vault.Config{Engine: "gcp", Roleset: "nope"},
			wantErr: providers.ErrNotFound, fragments: []string{"gcp/roleset/nope/token", `role set "nope" does not exist`}},
		{name: "policy denies", cfg: vault.Config{Engine: "gcp", Mount: "gcp-prod", StaticAccount: "puller"},
			wantErr: providers.ErrDenied, fragments: []string{"permission denied by policy reading gcp-prod/static-account/puller/token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			root := h.vault.Root()
			g := root.MountGCP("gcp")
			g.Roleset("gcr-pull", "ya29.roleset")
			g.StaticAccount("puller", "ya29.static")
			g.ImpersonatedAccount("ar-reader", "ya29.impersonated")
			root.MountGCP("gcp-prod").Roleset("gcr-pull", "ya29.prod")
			root.Policy("gcp", "gcp/+/+/token", "gcp-prod/roleset/*")
			root.Token("tok-gcp", 0, "gcp")
			h.env["VAULT_TOKEN"] = "tok-gcp"
			cred, err := get(h.provider(t, tt.cfg))
			h.noSecrets(t, err, "tok-gcp", "ya29.")
			if tt.wantErr != nil {
				testkit.WantErr(t, err, tt.wantErr, tt.fragments...)
				return
			}
			require.NoError(t, err, "Credential")
			assert.Equal(t, tt.wantUser, cred.Username)
			assert.Equal(t, tt.wantToken, cred.Secret.Reveal())
			want := h.clock.Now().Add(time.Hour)
			assert.True(t, cred.ExpiresAt.Equal(want), "ExpiresAt = %v, want expires_at_seconds %v", cred.ExpiresAt, want)
		})
	}
}

// TestGCPTTLCap: a configured ttl shorter than the token's life wins.
func TestGCPTTLCap(t *testing.T) {
	h := newHarness(t)
	root := h.vault.Root()
	root.MountGCP("gcp").Roleset("r", "ya29.x")
	root.Token("tok", 0, "root")
	h.env["VAULT_TOKEN"] = "tok"
	cred, err := get(h.provider(t, vault.Config{Engine: "gcp", Roleset: "r", TTL: "10m"}))
	require.NoError(t, err)
	want := h.clock.Now().Add(10 * time.Minute)
	assert.True(t, cred.ExpiresAt.Equal(want), "ExpiresAt = %v, want %v", cred.ExpiresAt, want)
}
