package verify

import (
	"net/http"
	"strings"
)

// challenge is one `WWW-Authenticate` challenge: a scheme (lower-cased) and
// its parameters (names lower-cased).
type challenge struct {
	scheme string
	params map[string]string
}

// parseChallenges reads every challenge in the response's WWW-Authenticate
// headers (RFC 7235: several headers, or several challenges in one header
// separated by commas). Malformed parts are skipped, not guessed at.
func parseChallenges(h http.Header) []challenge {
	var out []challenge
	for _, v := range h.Values("Www-Authenticate") {
		out = append(out, parseChallengeHeader(v)...)
	}
	return out
}

func parseChallengeHeader(s string) []challenge {
	var out []challenge
	for {
		s = skipSpaceAndCommas(s)
		if s == "" {
			return out
		}
		var scheme string
		scheme, s = readToken(s)
		if scheme == "" {
			return out // not a token: give up on the rest
		}
		c := challenge{scheme: strings.ToLower(scheme), params: map[string]string{}}
		s = readParams(s, c.params)
		out = append(out, c)
	}
}

// readParams reads `name=value` pairs until the next challenge's scheme (a
// token not followed by '=') or the end.
func readParams(s string, params map[string]string) string {
	for {
		rest := skipSpaceAndCommas(s)
		name, after := readToken(rest)
		after = strings.TrimLeft(after, " \t")
		if name == "" || !strings.HasPrefix(after, "=") {
			return rest
		}
		after = strings.TrimLeft(after[1:], " \t")
		var value string
		if strings.HasPrefix(after, `"`) {
			value, after = readQuoted(after)
		} else {
			value, after = readToken(after)
		}
		params[strings.ToLower(name)] = value
		s = after
	}
}

func skipSpaceAndCommas(s string) string { return strings.TrimLeft(s, " \t,") }

// readToken reads an RFC 7230 token (and the token68 characters '/', '+',
// '=' are not part of it: '=' separates a parameter name from its value).
func readToken(s string) (tok, rest string) {
	i := 0
	for i < len(s) && isTokenChar(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// readQuoted reads a quoted-string starting at s[0] == '"', undoing
// backslash escapes. An unterminated string takes the rest of the input.
func readQuoted(s string) (value, rest string) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}

// pick returns the challenge to answer: Bearer when offered (it is what
// registries that offer both prefer), else Basic; ok is false when neither
// is offered.
func pick(cs []challenge) (challenge, bool) {
	for _, want := range []string{"bearer", "basic"} {
		for _, c := range cs {
			if c.scheme == want {
				return c, true
			}
		}
	}
	return challenge{}, false
}
