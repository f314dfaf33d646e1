package vault

import (
	"strings"
	"testing"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
	"github.com/stretchr/testify/require"
)

func TestVaultAddrPlainHTTPRefused(t *testing.T) {
	p, err := New(Config{Path: "kv/registry"}, netdeps.Deps{
		Deps: providers.Deps{
			LookupEnv: func(k string) (string, bool) {
				if k == "VAULT_ADDR" {
					return "http://vault.example.com:8200", true
				}
				return "", false
			},
		},
	})
	require.NoError(t, err)
	_, err = p.address()
	if err == nil || !strings.Contains(err.Error(), "VAULT_ADDR") {
		t.Errorf("address() = %v, want VAULT_ADDR refused as plain http", err)
	}
}
