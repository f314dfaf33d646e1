package providers

import (
	"strings"
	"unicode"
)

// oneLineLimit bounds what a message quotes of a server's or library's
// text: enough to say why, not a whole answer.
const oneLineLimit = 300

// OneLine keeps a message from a server or library to one short line:
// control characters (newlines, terminal escapes) become spaces, so a
// quoted answer cannot forge log lines, and it is cut to 300 bytes on a
// rune boundary.
func OneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if len(s) > oneLineLimit {
		s = strings.ToValidUTF8(s[:oneLineLimit], "") + "…"
	}
	return s
}
