package vault

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
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
	require.ErrorContains(t, err, "VAULT_ADDR", "VAULT_ADDR refused as plain http")
}
