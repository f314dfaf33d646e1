package matcher

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
			assert.Equal(t, tt.want, quote(tt.in), "quote")
		})
	}
}

// TestPatternErrorsQuoteNoPart: a pattern comes from the config, where a
// value that fails may be a secret typed in the wrong place, so its errors
// say what is wrong without quoting it; a request's errors (what a client
// sent) still quote the part at fault.
func TestPatternErrorsQuoteNoPart(t *testing.T) {
	const canary = "glpat-s3cr3tt0ken-xyz"
	tests := []struct {
		name, in, wantPattern, wantRequest string
	}{
		{name: "host label", in: canary + "_x.example.com", wantPattern: "label must be letters", wantRequest: `label "` + canary + `_x"`},
		{name: "port", in: "reg.example.com:" + canary, wantPattern: "port is not a number", wantRequest: `port "` + canary + `"`},
		{name: "path component", in: "reg.example.com/" + strings.ToUpper(canary), wantPattern: "component must be lower-case", wantRequest: `component "` + strings.ToUpper(canary) + `"`},
		{name: "scheme", in: "oci" + canary[6:] + "://reg.example.com", wantPattern: "scheme is not http or https", wantRequest: `scheme "oci` + canary[6:] + `"`},
		{name: "glob label", in: "*." + canary + "_x.example.com", wantPattern: "'_' is not allowed in a label"},
		{name: "path with a tag", in: "reg.example.com/team:" + canary, wantPattern: "patterns match repositories, not tags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePattern(tt.in)
			require.ErrorContains(t, err, tt.wantPattern, "ParsePattern(%q)", tt.in)
			assert.NotContains(t, strings.ToLower(err.Error()), canary[6:], "the pattern error quotes the pattern")
			if tt.wantRequest == "" {
				return
			}
			_, err = Normalize(tt.in)
			assert.ErrorContains(t, err, tt.wantRequest, "Normalize(%q), want an error quoting it", tt.in)
		})
	}
}
