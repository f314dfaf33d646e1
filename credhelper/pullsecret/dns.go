package pullsecret

import "strings"

// isDNSLabel: lower-case letters, digits and '-', starting and ending with
// a letter or digit (RFC 1123). Written out rather than as a package-level
// regexp, which would be compiled on every engine start.
func isDNSLabel(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// isDNSSubdomain: DNS labels joined by '.'.
func isDNSSubdomain(s string) bool {
	for _, l := range strings.Split(s, ".") {
		if !isDNSLabel(l) {
			return false
		}
	}
	return true
}
