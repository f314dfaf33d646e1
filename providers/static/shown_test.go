package static

import (
	"strings"
	"testing"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

// TestMisplacedSecretNotEchoed: a token typed where a variable name or a
// file path belongs passes validation when it is shaped like one (ghp_…
// is a valid variable name, anything is a relative path), so the errors
// of credential time must not repeat it either; real names still show.
func TestMisplacedSecretNotEchoed(t *testing.T) {
	const canary = "ghp_S3cr3tT0kenXyz"
	tests := []struct {
		name, want string
		cfg        Config
	}{
		{name: "passwordEnv unset", cfg: Config{Username: "u", PasswordEnv: canary}, want: "password variable (not shown"},
		{name: "usernameEnv unset", cfg: Config{UsernameEnv: canary, Password: "p"}, want: "username variable (not shown"},
		{name: "passwordFile relative", cfg: Config{Username: "u", PasswordFile: canary}, want: "password file (a relative path"},
		{name: "dockerConfig relative", cfg: Config{DockerConfig: canary}, want: "docker config (a relative path"},
		{name: "upper-case variable is named", cfg: Config{Username: "u", PasswordEnv: "REG_PW"}, want: "password variable REG_PW is not set"},
		{name: "absolute path is named", cfg: Config{Username: "u", PasswordFile: "/nonexistent/" + canary}, want: "/nonexistent/" + canary + " does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := run(t, tt.cfg, nil, providers.Request{Registry: "reg.example.com"})
			testkit.WantErr(t, err, nil, tt.want)
			if !strings.HasPrefix(tt.want, "/") {
				testkit.AssertNoSecret(t, "error", err.Error(), canary)
			}
		})
	}
}
