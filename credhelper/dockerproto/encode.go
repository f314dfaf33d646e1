package dockerproto

import (
	"io"
	"unicode/utf8"
)

// WriteCredentials writes get's answer as WriteJSON would, byte for byte
// (encoding/json with HTML escaping, then a newline), in one call. It is
// written by hand because the front binary's warm path must not touch
// encoding/json's reflection: its first use in a fresh process costs about
// as much as the rest of the answer. The fuzz test holds it to WriteJSON.
func WriteCredentials(w io.Writer, c Credentials) error {
	b := make([]byte, 0, 48+len(c.ServerURL)+len(c.Username)+len(c.Secret))
	b = append(b, `{"ServerURL":`...)
	b = appendString(b, c.ServerURL)
	b = append(b, `,"Username":`...)
	b = appendString(b, c.Username)
	b = append(b, `,"Secret":`...)
	b = appendString(b, c.Secret)
	b = append(b, "}\n"...)
	_, err := w.Write(b)
	return err
}

const hexDigits = "0123456789abcdef"

// appendString appends s as encoding/json encodes a string with HTML
// escaping on: <, > and & as \u003c, \u003e and \u0026, control characters
// escaped, invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			b = appendASCII(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xF])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

func appendASCII(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	case '<', '>', '&':
		return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
	}
	if c < 0x20 {
		return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
	}
	return append(b, c)
}
