package ociauth

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

func TestKeyFile(t *testing.T) {
	const config = "[DEFAULT]\nuser=ocid1.user.oc1..a\nkey_file = ~/.oci/default.pem\n\n" +
		"[ci]\r\nfingerprint=aa:bb\r\nkey_file=/etc/oci/ci.pem\r\n" +
		"[no-key]\ntenancy=ocid1.tenancy.oc1..t\n" +
		"[twice]\nkey_file=/first.pem\nkey_file=/second.pem\n"
	tests := []struct {
		name, profile, want string
		found               bool
	}{
		{name: "DEFAULT", profile: "DEFAULT", want: "~/.oci/default.pem", found: true},
		{name: "CRLF lines", profile: "ci", want: "/etc/oci/ci.pem", found: true},
		{name: "no key_file, no inheritance from DEFAULT", profile: "no-key"},
		{name: "the last one wins", profile: "twice", want: "/second.pem", found: true},
		{name: "no such profile", profile: "prod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found := KeyFile([]byte(config), tt.profile)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.found, found)
		})
	}
}

// TestIdentityFiles: the config file and the key file the selected
// profile names; nothing for the principals, which read no local file.
func TestIdentityFiles(t *testing.T) {
	home := t.TempDir()
	cfg := filepath.Join(home, ".oci", "config")
	require.NoError(t, os.MkdirAll(filepath.Dir(cfg), 0o700))
	testkit.WriteFile(t, cfg, "[DEFAULT]\nkey_file=~/.oci/key.pem\n[ci]\nkey_file=/etc/oci/ci.pem\nsecurity_token_file=/etc/oci/token\n")
	other := filepath.Join(home, "other")
	tests := []struct {
		name string
		s    Settings
		env  map[string]string
		want []string
	}{
		{name: "default file and profile", env: map[string]string{"HOME": home}, want: []string{cfg, filepath.Join(home, ".oci", "key.pem")}},
		{name: "OCI_CLI_PROFILE", env: map[string]string{"HOME": home, EnvCLIProfile: "ci"}, want: []string{cfg, "/etc/oci/ci.pem"}},
		{name: "session token: the key, not the token", s: Settings{Auth: AuthSessionToken, Profile: "ci"}, env: map[string]string{"HOME": home}, want: []string{cfg, "/etc/oci/ci.pem"}},
		{name: "profile without a key file", s: Settings{Profile: "nope"}, env: map[string]string{"HOME": home}, want: []string{cfg}},
		{name: "a missing config file is still listed", s: Settings{ConfigFile: other}, env: map[string]string{"HOME": home}, want: []string{other}},
		{name: "OCI_CONFIG_FILE", env: map[string]string{"HOME": "/nowhere", EnvConfigFile: cfg}, want: []string{cfg, "/nowhere/.oci/key.pem"}},
		{name: "instance principal", s: Settings{Auth: AuthInstancePrincipal}, env: map[string]string{"HOME": home}, want: nil},
		{name: "resource principal", s: Settings{Auth: AuthResourcePrincipal}, env: map[string]string{"HOME": home}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookup := testkit.Env(tt.env).Lookup
			assert.Equal(t, tt.want, tt.s.IdentityFiles(lookup))
		})
	}
}
