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
			if err == nil || !strings.Contains(err.Error(), tt.wantPattern) {
				t.Fatalf("ParsePattern(%q) = %v, want an error saying %q", tt.in, err, tt.wantPattern)
			}
			if low := strings.ToLower(err.Error()); strings.Contains(low, canary[6:]) {
				t.Errorf("the pattern error quotes the pattern: %v", err)
			}
			if tt.wantRequest == "" {
				return
			}
			if _, err := Normalize(tt.in); err == nil || !strings.Contains(err.Error(), tt.wantRequest) {
				t.Errorf("Normalize(%q) = %v, want an error quoting %s", tt.in, err, tt.wantRequest)
			}
		})
	}
}
