package providers

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestOneLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "plain text kept", in: "denied: no such role", want: "denied: no such role"},
		{name: "newlines and escapes become spaces", in: " a\nb\x1b[31mc\r\n", want: "a b [31mc"},
		{name: "long text cut with a mark", in: strings.Repeat("x", 400), want: strings.Repeat("x", 300) + "…"},
		{name: "cut on a rune boundary", in: strings.Repeat("é", 200), want: strings.Repeat("é", 150) + "…"},
		{name: "cut inside a rune drops it", in: "x" + strings.Repeat("é", 200), want: "x" + strings.Repeat("é", 149) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := OneLine(tt.in)
			assert.Equal(t, tt.want, got)
			assert.True(t, utf8.ValidString(got))
			assert.NotContains(t, got, "\n")
		})
	}
}
