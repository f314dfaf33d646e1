package static

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		errHas string // "" for a valid config
	}{
		{name: "inline", cfg: Config{Username: "u", Password: "p"}},
		{name: "env", cfg: Config{UsernameEnv: "U", PasswordEnv: "_P1"}},
		{name: "files", cfg: Config{UsernameFile: "/u", PasswordFile: "/p"}},
		{name: "docker config alone", cfg: Config{DockerConfig: "/c.json"}},
		{name: "nothing", cfg: Config{}, errHas: "set exactly one of username, usernameEnv, usernameFile, or dockerConfig alone (got none)"},
		{name: "no password", cfg: Config{Username: "u"}, errHas: "password, passwordEnv, passwordFile"},
		{name: "two usernames", cfg: Config{Username: "u", UsernameEnv: "U", Password: "p"}, errHas: "(got username and usernameEnv)"},
		{name: "three passwords", cfg: Config{Username: "u", Password: "p", PasswordEnv: "P", PasswordFile: "/p"}, errHas: "(got password and passwordEnv and passwordFile)"},
		{name: "docker config and password", cfg: Config{DockerConfig: "/c.json", PasswordFile: "/p"}, errHas: "remove passwordFile"},
		{name: "docker config and both", cfg: Config{DockerConfig: "/c.json", Username: "u", Password: "p"}, errHas: "remove username, password"},
		{name: "bad env name", cfg: Config{Username: "u", PasswordEnv: "MY-PASS"}, errHas: "passwordEnv is not a variable name"},
		{name: "env name starting with digit", cfg: Config{UsernameEnv: "1U", Password: "p"}, errHas: "usernameEnv is not a variable name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.errHas == "" {
				require.NoError(t, err, "Validate")
				return
			}
			if !errors.Is(err, providers.ErrInvalid) || !strings.Contains(err.Error(), tc.errHas) {
				t.Fatalf("Validate = %v; want ErrInvalid containing %q", err, tc.errHas)
			}
			if _, err := New(tc.cfg, providers.Deps{}); err == nil {
				t.Error("New accepted an invalid config")
			}
		})
	}
}

func TestValidateNeverQuotesInlinePassword(t *testing.T) {
	err := Config{Username: "u", UsernameEnv: "U", Password: secretPass}.Validate()
	if err == nil {
		t.Fatal("two usernames accepted")
	}
	assertNoSecret(t, "error", err.Error())
}

func TestHasInlineSecret(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want bool
	}{
		{name: "inline password", cfg: Config{Username: "u", Password: "p"}, want: true},
		{name: "inline username only", cfg: Config{Username: "u", PasswordFile: "/p"}},
		{name: "env", cfg: Config{UsernameEnv: "U", PasswordEnv: "P"}},
		{name: "docker config", cfg: Config{DockerConfig: "/c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.cfg.HasInlineSecret(), "HasInlineSecret")
		})
	}
}
