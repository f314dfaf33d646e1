package matcher

import (
	"strings"
	"testing"
)

func TestQuoteBoundsWhatIsPrinted(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "short", in: "reg.example.com", want: `"reg.example.com"`},
		{name: "long ASCII cut at quoteMax bytes", in: strings.Repeat("a", 100), want: `"` + strings.Repeat("a", quoteMax) + `"…`},
		{name: "escapes count toward the bound", in: strings.Repeat(`"`, 100), want: `"` + strings.Repeat(`\"`, quoteMax/2) + `"…`},
		{name: "control bytes", in: strings.Repeat("\x00", 100), want: `"` + strings.Repeat(`\x00`, quoteMax/4) + `"…`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := quote(tt.in); got != tt.want {
				t.Errorf("quote = %s, want %s", got, tt.want)
			}
		})
	}
}
