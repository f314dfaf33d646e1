package controller

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestBoundNote(t *testing.T) {
	tests := []struct {
		name string
		in   string
		cut  bool
	}{
		{name: "short note kept whole", in: "registry.example: no valid credential"},
		{name: "exactly the limit kept whole", in: strings.Repeat("a", maxNote)},
		{name: "one byte over is cut", in: strings.Repeat("a", maxNote+1), cut: true},
		{name: "multi-byte runes cut on a boundary", in: strings.Repeat("é", maxNote), cut: true},
		{name: "long backend error cut", in: "r.example: refresh failed: " + strings.Repeat("entry failed; ", 200), cut: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := boundNote(tt.in)
			assert.LessOrEqual(t, len(got), maxNote, "the API server refuses longer notes")
			assert.True(t, utf8.ValidString(got))
			if !tt.cut {
				assert.Equal(t, tt.in, got)
				return
			}
			assert.Contains(t, got, "controller's log has the whole error")
			assert.True(t, strings.HasPrefix(tt.in, strings.SplitN(got, " …(cut", 2)[0]), "the start of the note is kept")
		})
	}
}
