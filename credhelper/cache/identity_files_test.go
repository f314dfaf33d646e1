package cache

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
					if err := os.Remove(p); !os.IsNotExist(err) {
						require.NoError(t, err)
					}
				} else {
					require.NoError(t, os.WriteFile(p, []byte(*content), 0o600))
				}
				return IdentityFileParts([]string{p})
			}
			before, after := set(tt.before), set(tt.after)
			assert.False(t, slices.Equal(before, after), "parts unchanged: %q", before)
			for _, part := range append(before, after...) {
				assert.NotContains(t, part, "AKIA", "a part holds the file's content")
				assert.NotContains(t, part, "role_arn", "a part holds the file's content")
			}
		})
	}
}

func ptr(s string) *string { return &s }

// TestIdentityFilePartsIgnorePlace: the same content in another place
// (another HOME) is the same identity, and two missing files are alike;
// which of the listed files says what still counts.
func TestIdentityFilePartsIgnorePlace(t *testing.T) {
	a, b := filepath.Join(t.TempDir(), "credentials"), filepath.Join(t.TempDir(), "credentials")
	for _, p := range []string{a, b} {
		require.NoError(t, os.WriteFile(p, []byte("aws_access_key_id = AKIAALICE\n"), 0o600))
	}
	missingA, missingB := filepath.Join(t.TempDir(), "config"), filepath.Join(t.TempDir(), "config")
	assert.Equal(t, IdentityFileParts([]string{a, missingA}), IdentityFileParts([]string{b, missingB}),
		"the same files in another home make other parts")
	assert.False(t, slices.Equal(IdentityFileParts([]string{a, missingA}), IdentityFileParts([]string{missingB, b})),
		"the credentials in the config's place make the same parts")
}
