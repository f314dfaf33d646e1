package cache

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestIdentityFilePartsSeeWholeFiles: any change to a file's content
// changes its part, far into a big AWS config too; its absence is a part
// of its own; the parts hold no content.
func TestIdentityFilePartsSeeWholeFiles(t *testing.T) {
	dir := t.TempDir()
	big := strings.Repeat("[profile p]\nsso_account_id = 123456789012\n", 4000) // ~180 KiB
	tests := []struct {
		name          string
		before, after *string // nil: no file
	}{
		{name: "a small change", before: ptr("aws_access_key_id = AKIAALICE\n"), after: ptr("aws_access_key_id = AKIABOB\n")},
		{name: "a change at the end of a big file", before: ptr(big + "role_arn = a\n"), after: ptr(big + "role_arn = b\n")},
		{name: "created", after: ptr("")},
		{name: "removed", before: ptr("x")},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, string(rune('a'+i)))
			set := func(content *string) []string {
				if content == nil {
					if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
						t.Fatal(err)
					}
				} else if err := os.WriteFile(p, []byte(*content), 0o600); err != nil {
					t.Fatal(err)
				}
				return IdentityFileParts([]string{p})
			}
			before, after := set(tt.before), set(tt.after)
			if slices.Equal(before, after) {
				t.Errorf("parts unchanged: %q", before)
			}
			for _, part := range append(before, after...) {
				if strings.Contains(part, "AKIA") || strings.Contains(part, "role_arn") {
					t.Errorf("a part holds the file's content: %q", part)
				}
			}
		})
	}
}

func ptr(s string) *string { return &s }
