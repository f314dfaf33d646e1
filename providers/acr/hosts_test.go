package acr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/matcher"
)

func TestACRHosts(t *testing.T) {
	tests := []struct {
		name, request string
		acr           bool // IsACRHost, and a built-in pattern matches
		authority     string
	}{
		{name: "public cloud", request: "myreg.azurecr.io", acr: true, authority: "https://login.microsoftonline.com/"},
		{name: "image reference", request: "myreg.azurecr.io/team/app:1.0", acr: true, authority: "https://login.microsoftonline.com/"},
		{name: "docker URL form", request: "https://myreg.azurecr.io", acr: true, authority: "https://login.microsoftonline.com/"},
		{name: "domain name label scope", request: "myreg-abh4dfc5e9cmdmcs.azurecr.io", acr: true, authority: "https://login.microsoftonline.com/"},
		{name: "China", request: "myreg.azurecr.cn", acr: true, authority: "https://login.chinacloudapi.cn/"},
		{name: "US Government", request: "myreg.azurecr.us", acr: true, authority: "https://login.microsoftonline.us/"},
		{name: "upper case", request: "MyReg.AzureCR.io", acr: true, authority: "https://login.microsoftonline.com/"},
		{name: "look-alike suffix", request: "myreg.azurecr.io.evil.example"},
		{name: "look-alike name", request: "myreg-azurecr.io"},
		{name: "two labels deep", request: "a.myreg.azurecr.io"},
		{name: "the suffix alone", request: "azurecr.io"},
		{name: "a port", request: "myreg.azurecr.io:5000"},
		{name: "a data endpoint", request: "myreg.westeurope.data.azurecr.io"},
		{name: "another cloud", request: "gcr.io"},
		{name: "Microsoft's public registry", request: "mcr.microsoft.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, err := matcher.Normalize(tt.request)
			require.NoError(t, err)
			assert.Equal(t, tt.acr, IsACRHost(target.Registry()), "IsACRHost(%q)", target.Registry())
			matched := false
			for _, s := range DefaultPatterns() {
				p, err := matcher.ParsePattern(s)
				require.NoError(t, err, "built-in pattern %q", s)
				matched = matched || p.Match(target)
			}
			assert.Equal(t, tt.acr, matched, "a built-in pattern matches %q", tt.request)
			if tt.acr {
				assert.Equal(t, tt.authority, authorityFor(target.Registry()))
			}
		})
	}
}

func TestBuiltInEntriesFallBackToAnonymous(t *testing.T) {
	ds := Kind().Defaults()
	require.Len(t, ds, 2*len(DefaultPatterns()))
	for i, p := range DefaultPatterns() {
		assert.Equal(t, p, ds[2*i].Match)
		assert.Equal(t, "acr", ds[2*i].Kind.Name())
		assert.Equal(t, p, ds[2*i+1].Match)
		assert.Equal(t, "anonymous", ds[2*i+1].Kind.Name(), "a registry that allows anonymous pulls must still be pulled off Azure")
	}
}
