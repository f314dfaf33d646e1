package providers

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/internal/testkit"
)

func TestShownNames(t *testing.T) {
	const canary = "ghp_S3cr3tT0kenXyz"
	tests := []struct {
		name, got string
		shown     bool
	}{
		{name: "absolute path", got: ShowPath("/etc/regcred/pw"), shown: true},
		{name: "relative path", got: ShowPath(canary)},
		{name: "relative path with a slash", got: ShowPath("x/" + canary)},
		{name: "upper-case variable", got: ShowEnvName("REGISTRY_PASSWORD_2"), shown: true},
		{name: "token-shaped variable", got: ShowEnvName(canary)},
		{name: "lower-case variable", got: ShowEnvName("pw")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.shown, !strings.Contains(tt.got, "not shown"), "got %q: shown", tt.got)
			testkit.AssertNoSecret(t, "shown name", tt.got, canary)
		})
	}
}
