package acr

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

func TestValidate(t *testing.T) {
	const guid = "0b9d3c5e-1111-4a2b-9c3d-0123456789ab"
	tests := []struct {
		name string
		cfg  Config
		says string // "" for valid
	}{
		{name: "empty", cfg: Config{}},
		{name: "service principal", cfg: Config{TenantID: "contoso.onmicrosoft.com", ClientID: guid, ClientSecretFile: "/etc/regcred/sp"}},
		{name: "pod identity", cfg: Config{TenantID: guid, ClientIDAnnotation: "azure.workload.identity/client-id", TenantIDAnnotation: "azure.workload.identity/tenant-id"}},
		{name: "sovereign authority", cfg: Config{AuthorityHost: "https://login.microsoftonline.us/"}},
		{name: "bad tenant", cfg: Config{TenantID: "not a tenant"}, says: "tenantId"},
		{name: "bad client", cfg: Config{ClientID: "my-app"}, says: "clientId"},
		{name: "secret and certificate", cfg: Config{ClientSecretFile: "/a", CertificateFile: "/b"}, says: "set one"},
		{name: "blank path", cfg: Config{CertificateFile: " "}, says: "certificateFile"},
		{name: "http authority", cfg: Config{AuthorityHost: "http://login.example/"}, says: "https"},
		{name: "authority with a path", cfg: Config{AuthorityHost: "https://login.example/tenant"}, says: "bare https://host/"},
		{name: "scope with spaces", cfg: Config{Scope: "https://a/.default openid"}, says: "scope"},
		{name: "tenant annotation alone", cfg: Config{TenantIDAnnotation: "x/tenant"}, says: "only applies with clientIdAnnotation"},
		{name: "pod identity with a node secret", cfg: Config{ClientIDAnnotation: "x/client", ClientSecretFile: "/a"}, says: "pod's token alone"},
		{name: "client ID twice", cfg: Config{ClientIDAnnotation: "x/client", ClientID: guid}, says: "set one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.says == "" {
				assert.NoError(t, err)
				return
			}
			testkit.WantErr(t, err, providers.ErrInvalid, tt.says)
		})
	}
}

func TestValidateNeverQuotesTheValue(t *testing.T) {
	secret := "Zq8~sEcReTvAlUe-typed-in-the-wrong-place"
	for _, cfg := range []Config{{TenantID: secret + " x"}, {ClientID: secret}, {AuthorityHost: "http://" + secret}, {Scope: secret + " y"}} {
		err := cfg.Validate()
		if assert.Error(t, err) {
			testkit.AssertNoSecret(t, "error", err.Error(), secret)
		}
	}
}
