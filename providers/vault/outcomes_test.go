package vault_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/vault"
)

func outcomeFixture(h *harness) vault.Config {
	root := h.vault.Root()
	root.MountKV("secret", 2)
	root.PutKV("secret", "registry", map[string]any{"username": "robot", "password": loginPass})
	root.Token("tok-root", 0, "root")
	h.env["VAULT_TOKEN"] = "tok-root"
	return vault.Config{Mount: "secret", Path: "registry", KVVersion: "2"}
}

// TestUnavailable: a Vault that answers but does not serve is retried at
// most twice; a hung one is given up on after the timeout, without retry.
func TestUnavailable(t *testing.T) {
	tests := []struct {
		name         string
		setup        func(h *harness)
		timeout      string
		fragment     string
		wantRequests int
	}{
		{name: "sealed", setup: func(h *harness) { h.vault.Seal() }, fragment: ": sealed", wantRequests: 3},
		{name: "standby 429", setup: func(h *harness) { h.vault.Standby(429) }, fragment: "standby node or rate limit (429", wantRequests: 3},
		{name: "DR secondary 472", setup: func(h *harness) { h.vault.Standby(472) }, fragment: "disaster-recovery secondary", wantRequests: 3},
		{name: "performance standby 473", setup: func(h *harness) { h.vault.Standby(473) }, fragment: "performance standby", wantRequests: 3},
		{name: "hung", setup: func(h *harness) { h.vault.Hang(true) }, timeout: "150ms", fragment: "no answer within 150ms (timeout)", wantRequests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each waits out the backoff
			h := newHarness(t)
			cfg := outcomeFixture(h)
			cfg.Timeout = tt.timeout
			tt.setup(h)
			_, err := get(h.provider(t, cfg))
			testkit.WantErr(t, err, providers.ErrUnavailable, "Vault unavailable at "+h.vault.URL, tt.fragment)
			h.noSecrets(t, err, "tok-root")
			assert.Equal(t, tt.wantRequests, h.vault.Count(http.MethodGet, "secret/data/registry"), "requests")
		})
	}
}

func TestRecoversAfterUnseal(t *testing.T) {
	h := newHarness(t)
	p := h.provider(t, outcomeFixture(h))
	h.vault.Seal()
	_, err := get(p)
	require.ErrorIs(t, err, providers.ErrUnavailable, "sealed")
	h.vault.Unseal()
	cred, err := get(p)
	require.NoError(t, err, "unsealed")
	require.Equal(t, loginPass, cred.Secret.Reveal(), "unsealed")
}

func TestConnectionRefused(t *testing.T) {
	h := newHarness(t)
	cfg := outcomeFixture(h)
	h.vault.Close()
	_, err := get(h.provider(t, cfg))
	testkit.WantErr(t, err, providers.ErrUnavailable, "Vault unavailable at "+h.vault.URL+": cannot connect", "connection refused")
}

func TestCancelled(t *testing.T) {
	h := newHarness(t)
	p := h.provider(t, outcomeFixture(h))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := p.Credential(ctx, providers.Request{Registry: "r.example.com"})
	testkit.WantErr(t, err, providers.ErrUnavailable, "gave up")
	assert.ErrorIs(t, err, context.Canceled)
}

// TestIdentitySources covers the address and token lookups.
func TestIdentitySources(t *testing.T) {
	home := t.TempDir()
	testkit.WriteFile(t, filepath.Join(home, ".vault-token"), "tok-root\n")
	tests := []struct {
		name      string
		cfg       vault.Config
		noAddress bool
		env       testkit.Env
		wantErr   error
		fragments []string
	}{
		{name: "VAULT_TOKEN", env: testkit.Env{"VAULT_TOKEN": "tok-root"}},
		{name: "tokenFile", cfg: vault.Config{Auth: vault.Auth{TokenFile: testkit.TempFile(t, "token", " tok-root\n")}}},
		{name: "~/.vault-token", env: testkit.Env{"HOME": home}},
		{name: "tokenFile wins over VAULT_TOKEN", cfg: vault.Config{Auth: vault.Auth{Method: "token", TokenFile: testkit.TempFile(t, "token", "tok-root")}}, env: testkit.Env{"VAULT_TOKEN": "tok-forged"}},
		{name: "VAULT_ADDR", noAddress: true, env: testkit.Env{"VAULT_TOKEN": "tok-root"}},
		{name: "no token anywhere", env: testkit.Env{"HOME": t.TempDir()},
			wantErr: providers.ErrNoIdentity, fragments: []string{"no Vault token: set VAULT_TOKEN"}},
		{name: "tokenFile missing", cfg: vault.Config{Auth: vault.Auth{TokenFile: "/nonexistent/token"}},
			wantErr: providers.ErrNoIdentity, fragments: []string{"auth.tokenFile /nonexistent/token does not exist"}},
		{name: "tokenFile empty", cfg: vault.Config{Auth: vault.Auth{TokenFile: testkit.TempFile(t, "token", "\n")}},
			wantErr: providers.ErrNoIdentity, fragments: []string{"is empty"}},
		{name: "no address", noAddress: true, env: testkit.Env{"VAULT_TOKEN": "tok-root", "VAULT_ADDR": ""},
			wantErr: providers.ErrInvalid, fragments: []string{"no Vault address"}},
		{name: "VAULT_ADDR not a URL", noAddress: true, env: testkit.Env{"VAULT_TOKEN": "tok-root", "VAULT_ADDR": "vault:8200"},
			wantErr: providers.ErrInvalid, fragments: []string{"VAULT_ADDR"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			cfg := outcomeFixture(h)
			delete(h.env, "VAULT_TOKEN")
			cfg.Auth = tt.cfg.Auth
			if tt.noAddress {
				h.env["VAULT_ADDR"] = h.vault.URL
			}
			for k, v := range tt.env {
				h.env[k] = v
			}
			p, err := vault.New(withAddress(cfg, h, tt.noAddress), h.deps())
			require.NoError(t, err)
			cred, err := get(p)
			h.noSecrets(t, err, "tok-root", loginPass)
			if tt.wantErr != nil {
				testkit.WantErr(t, err, tt.wantErr, tt.fragments...)
				return
			}
			require.NoError(t, err)
			require.Equal(t, loginPass, cred.Secret.Reveal())
		})
	}
}

func withAddress(cfg vault.Config, h *harness, fromEnv bool) vault.Config {
	cfg.Address = h.vault.URL
	if fromEnv {
		cfg.Address = ""
	}
	return cfg
}
