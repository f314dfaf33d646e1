package cache

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeRecordFast reads a record in exactly the shape encodeRecord writes
// (json.Marshal of record: fixed field order, no spaces), without
// encoding/json: the front binary reads one record per warm `get`, and the
// reflection behind json.Unmarshal costs it more on first use than the
// read itself. Anything else (another writer's spacing, escapes it does
// not need to know) returns false, and the strict decoder decides. The
// fuzz test holds it to the strict decoder wherever it answers.
func decodeRecordFast(data []byte) (record, bool) {
	p := recordParser{s: string(data)}
	var r record
	var expires, stored string
	ok := p.lit(`{"v":`) && p.int(&r.V) &&
		p.lit(`,"key":`) && p.str(&r.Key) &&
		p.lit(`,"username":`) && p.str(&r.Username) &&
		p.lit(`,"secret":`) && p.str(&r.Secret) &&
		p.lit(`,"expiresAt":`) && p.str(&expires) &&
		p.lit(`,"storedAt":`) && p.str(&stored)
	if !ok {
		return record{}, false
	}
	if p.lit(`,"longLived":true`) {
		r.LongLived = true
	}
	ok = p.lit(`,"registry":`) && p.str(&r.Registry) &&
		p.lit(`,"source":`) && p.str(&r.Source)
	if ok && p.lit(`,"serverURL":`) {
		ok = p.str(&r.ServerURL) && r.ServerURL != ""
	}
	ok = ok && p.lit("}") && p.s == ""
	if !ok || r.ExpiresAt.UnmarshalText([]byte(expires)) != nil || r.StoredAt.UnmarshalText([]byte(stored)) != nil {
		return record{}, false
	}
	return r, true
}

type recordParser struct{ s string }

func (p *recordParser) lit(l string) bool {
	if len(p.s) < len(l) || p.s[:len(l)] != l {
		return false
	}
	p.s = p.s[len(l):]
	return true
}

// int reads a small non-negative decimal without a leading zero.
func (p *recordParser) int(v *int) bool {
	n := 0
	for n < len(p.s) && n < 6 && p.s[n] >= '0' && p.s[n] <= '9' {
		n++
	}
	if n == 0 || (n > 1 && p.s[0] == '0') {
		return false
	}
	i, err := strconv.Atoi(p.s[:n])
	*v, p.s = i, p.s[n:]
	return err == nil
}

// str reads a JSON string: valid UTF-8, no control characters, the short
// escapes and \u escapes outside the surrogate range (what json.Marshal
// writes).
func (p *recordParser) str(v *string) bool {
	if !p.lit(`"`) {
		return false
	}
	var b []byte
	for i := 0; i < len(p.s); {
		c := p.s[i]
		switch {
		case c == '"':
			*v, p.s = string(b), p.s[i+1:]
			return true
		case c < 0x20:
			return false
		case c == '\\':
			var n int
			if b, n = appendEscape(b, p.s[i:]); n == 0 {
				return false
			}
			i += n
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(p.s[i:])
			if r == utf8.RuneError && size == 1 {
				return false
			}
			b = append(b, p.s[i:i+size]...)
			i += size
		}
	}
	return false
}

// appendEscape decodes the escape at the start of s, returning how many
// bytes it took (0: not one this parser accepts).
func appendEscape(b []byte, s string) ([]byte, int) {
	if len(s) < 2 {
		return b, 0
	}
	switch s[1] {
	case '"', '\\', '/':
		return append(b, s[1]), 2
	case 'b':
		return append(b, '\b'), 2
	case 'f':
		return append(b, '\f'), 2
	case 'n':
		return append(b, '\n'), 2
	case 'r':
		return append(b, '\r'), 2
	case 't':
		return append(b, '\t'), 2
	case 'u':
		if len(s) < 6 {
			return b, 0
		}
		r, err := strconv.ParseUint(s[2:6], 16, 32)
		if err != nil || utf16.IsSurrogate(rune(r)) {
			return b, 0
		}
		return utf8.AppendRune(b, rune(r)), 6
	}
	return b, 0
}
