package gcr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// TestNewValidates: New refuses, with Validate's own error, every config
// Validate refuses (gcrconfig's tests check Validate itself).
func TestNewValidates(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"blank file", Config{CredentialsFile: "  "}},
		{"control in file", Config{CredentialsFile: "/etc/sa\n.json"}},
		{"empty scope", Config{Scopes: []string{""}}},
		{"two scopes in one", Config{Scopes: []string{"a b"}}},
		{"impersonate name only", Config{ImpersonateServiceAccount: "puller"}},
		{"impersonate path trick", Config{ImpersonateServiceAccount: "a@b.com/../x"}},
		{"impersonate no domain dot", Config{ImpersonateServiceAccount: "a@b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verr := tt.cfg.Validate()
			require.Error(t, verr, "Validate accepted the config; the case proves nothing")
			_, err := New(tt.cfg, netdeps.Deps{})
			testkit.WantErr(t, err, providers.ErrInvalid)
			assert.EqualError(t, err, verr.Error(), "New answers with Validate's error")
		})
	}
}
