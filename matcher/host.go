package matcher

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// dockerHub is the one name every Docker Hub alias normalises to.
const dockerHub = "docker.io"

// canonicalHost maps Docker Hub's aliases onto docker.io; h is lower-case.
func canonicalHost(h string) string {
	switch h {
	case "index.docker.io", "registry-1.docker.io":
		return dockerHub
	}
	return h
}

// splitHostPort splits "host[:port]" or "[v6][:port]" without judging either
// half.
func splitHostPort(s string) (host, port string, hasPort bool) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return s, "", false
		}
		host, rest := s[:end+1], s[end+1:]
		if p, ok := strings.CutPrefix(rest, ":"); ok {
			return host, p, true
		}
		if rest != "" {
			// Junk after "]": hand it back with the host so the
			// caller reports it.
			return s, "", false
		}
		return host, "", false
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// parsePort checks a port and returns its canonical form: no leading zeros,
// and "" for 443, which every client treats as the default.
func parsePort(p string) (string, error) {
	if p == "" || len(p) > 5 || !allDigits(p) {
		return "", partError("port %s is not a number from 1 to 65535", part(p))
	}
	n, _ := strconv.Atoi(p)
	if n < 1 || n > 65535 {
		return "", partError("port %s is not a number from 1 to 65535", part(p))
	}
	if n == 443 {
		return "", nil
	}
	if p[0] == '0' {
		return strconv.Itoa(n), nil
	}
	return p, nil
}

// parseIPv6 checks "[addr]" and returns it in canonical, lower-case form so
// that "[0::1]" and "[::1]" are one host.
func parseIPv6(h string) (string, error) {
	inner := strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	addr, err := netip.ParseAddr(inner)
	if err != nil || !addr.Is6() || addr.Zone() != "" || len(inner)+2 != len(h) {
		return "", partError("host %s is not a bracketed IPv6 address", part(h))
	}
	return "[" + addr.String() + "]", nil
}

// checkDomain checks a DNS name the way image references allow it: labels
// of letters, digits and inner hyphens, separated by single dots.
func checkDomain(h string) error {
	if h == "" {
		return fmt.Errorf("empty host")
	}
	for label := range strings.SplitSeq(h, ".") {
		if !validLabel(label) {
			return partError("host %s: label %s must be letters, digits and inner hyphens", part(h), part(label))
		}
	}
	return nil
}

func validLabel(l string) bool {
	if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		if !isAlnum(l[i]) && l[i] != '-' {
			return false
		}
	}
	return true
}

// parseRegistry checks "host[:port]" of a request and returns the
// canonical host (lower-case, Docker Hub aliases folded) and port.
func parseRegistry(s string) (host, port string, err error) {
	host, port, hasPort := splitHostPort(s)
	if hasPort {
		if port, err = parsePort(port); err != nil {
			return "", "", err
		}
	}
	host = strings.ToLower(host)
	if strings.HasPrefix(host, "[") {
		host, err = parseIPv6(host)
		return host, port, err
	}
	if err := checkDomain(host); err != nil {
		return "", "", err
	}
	return canonicalHost(host), port, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isLowerAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}
