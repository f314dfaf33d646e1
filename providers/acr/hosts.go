package acr

import (
	"path/filepath"
	"strings"
)

// azureCloud is one Azure cloud: its registry suffix and its Entra endpoint.
type azureCloud struct {
	suffix    string // "azurecr.io"
	authority string // "https://login.microsoftonline.com/"
}

// clouds are the Azure clouds with a container registry: public, China
// (21Vianet) and US Government. Keep in step with the suffixes Azure
// documents for ACR login servers.
func clouds() []azureCloud {
	return []azureCloud{
		{"azurecr.io", "https://login.microsoftonline.com/"},
		{"azurecr.cn", "https://login.chinacloudapi.cn/"},
		{"azurecr.us", "https://login.microsoftonline.us/"},
	}
}

// DefaultPatterns are the match patterns of the built-in ACR entry: every
// login server <name>.azurecr.<cloud>.
func DefaultPatterns() []string {
	var out []string
	for _, c := range clouds() {
		out = append(out, "*."+c.suffix)
	}
	return out
}

// IsACRHost reports whether registry (host[:port], as the resolver
// normalises it) is an ACR login server: one DNS label of letters, digits
// and inner hyphens (a registry name, with the hash of a domain name label
// scope after a hyphen) under one of the clouds' suffixes. Anchored at both
// ends: azurecr.io.evil.example, a.b.azurecr.io and any port are refused.
func IsACRHost(registry string) bool {
	name, suffix, ok := strings.Cut(strings.ToLower(registry), ".")
	if !ok || !validLabel(name) {
		return false
	}
	for _, c := range clouds() {
		if suffix == c.suffix {
			return true
		}
	}
	return false
}

// authorityFor is the Entra endpoint of the registry's cloud; the public
// cloud's for a host outside them.
func authorityFor(registry string) string {
	_, suffix, _ := strings.Cut(strings.ToLower(registry), ".")
	for _, c := range clouds() {
		if suffix == c.suffix {
			return c.authority
		}
	}
	return clouds()[0].authority
}

// validLabel is a DNS label: 1 to 63 lower-case letters, digits and inner
// hyphens.
func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// cliProfile is the Azure CLI's azureProfile.json, which names the logged-in
// account: $AZURE_CONFIG_DIR, else ~/.azure (%USERPROFILE%\.azure on
// Windows). "" when neither is set.
func cliProfile(lookupEnv func(string) (string, bool), goos string) string {
	if dir, ok := lookupEnv("AZURE_CONFIG_DIR"); ok && dir != "" {
		return filepath.Join(dir, "azureProfile.json")
	}
	home := "HOME"
	if goos == "windows" {
		home = "USERPROFILE"
	}
	if h, ok := lookupEnv(home); ok && h != "" {
		return filepath.Join(h, ".azure", "azureProfile.json")
	}
	return ""
}
