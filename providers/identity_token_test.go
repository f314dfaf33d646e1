package providers

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
)

// TestClaimsAreShownOnOneLine: a token read from a variable or a file says
// whatever its maker wrote; its claims, quoted into messages and logs,
// must not start a line of their own or drive a terminal.
func TestClaimsAreShownOnOneLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		tok  IdentityToken
		want string
	}{
		{name: "plain", tok: IdentityToken{Issuer: "https://token.actions.githubusercontent.com", Subject: "repo:o/a:ref:refs/heads/main", Audience: []string{"sts.amazonaws.com"}, Expiry: time.Unix(0, 0)},
			want: `iss "https://token.actions.githubusercontent.com", sub "repo:o/a:ref:refs/heads/main", aud "sts.amazonaws.com", exp 1970-01-01T00:00:00Z`},
		{name: "none", want: `iss (none), sub (none), aud (none)`},
		{name: "newline and escape", tok: IdentityToken{Issuer: "https://i", Subject: "a\nlevel=ERROR msg=forged \x1b[2J\"x", Audience: []string{"b\r"}},
			want: `iss "https://i", sub "a\nlevel=ERROR msg=forged \x1b[2J\"x", aud "b\r"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.tok.Claims()
			assert.Equal(t, tc.want, got)
			assert.False(t, strings.ContainsFunc(got, unicode.IsControl), "control characters in %q", got)
		})
	}
}
