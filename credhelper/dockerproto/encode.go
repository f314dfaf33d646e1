package dockerproto

import (
	"io"
	"strings"
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

// encoding/json writes these as a backslash and the letter at the same
// index of shortNames.
const (
	shortEscapes = "\"\\\b\f\n\r\t"
	shortNames   = "\"\\bfnrt"
)

func appendASCII(b []byte, c byte) []byte {
	if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
		return append(b, c) // nearly every byte of a credential
	}
	if i := strings.IndexByte(shortEscapes, c); i >= 0 {
		return append(b, '\\', shortNames[i])
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}
