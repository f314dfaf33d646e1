package matcher

import (
	"errors"
	"path"
	"strings"
)

// Pattern is a parsed config pattern "host[:port][/path]". The zero value
// matches nothing.
type Pattern struct {
	host string // lower-case; Docker Hub aliases folded unless globbed
	port string // "" when absent or 443
	path string // repository prefix; "" for the whole registry
	glob bool   // host holds glob characters
}

// ParsePattern parses and checks a config pattern. A leading http:// or
// https:// is accepted and dropped.
func ParsePattern(s string) (Pattern, error) {
	s = strings.TrimSpace(s)
	if err := checkText(s); err != nil {
		return Pattern{}, patternError("%v", err)
	}
	p, err := parsePattern(s)
	if err != nil {
		// No part of the pattern is quoted: it may hold user:password@ or
		// a secret typed in the wrong place, and the config loader names
		// the file and line.
		return Pattern{}, patternError("%s", withheldText(err))
	}
	return p, nil
}

func parsePattern(s string) (Pattern, error) {
	rest, _, err := stripScheme(s)
	if err != nil {
		return Pattern{}, err
	}
	if strings.IndexByte(rest, '@') >= 0 {
		return Pattern{}, errors.New("'@' has no place in a pattern: digests are not matched, and user:password belongs in a source")
	}
	if strings.IndexByte(rest, '#') >= 0 {
		return Pattern{}, errors.New("'#' has no place in a pattern")
	}
	if strings.IndexByte(rest, '$') >= 0 {
		return Pattern{}, errors.New("'$' has no place in a pattern: variables are not expanded in match (write the registry itself, or generate the config)")
	}
	hostport, repo, _ := strings.Cut(strings.TrimRight(rest, "/"), "/")
	var p Pattern
	if p.host, p.port, err = patternHostPort(hostport); err != nil {
		return Pattern{}, err
	}
	p.glob = hasGlob(p.host) && !isIPv6(p.host)
	if p.path, err = patternPath(repo); err != nil {
		return Pattern{}, err
	}
	return p, nil
}

// patternHostPort is parseRegistry for patterns: it also accepts globs.
func patternHostPort(s string) (host, port string, err error) {
	host, port, hasPort := splitPatternHostPort(s)
	if hasPort {
		if port, err = parsePort(port); err != nil {
			return "", "", err
		}
	}
	host = strings.ToLower(host)
	switch {
	case isIPv6(host):
		host, err = parseIPv6(host)
	case hasGlob(host):
		err = checkGlobHost(host)
	default:
		err = checkDomain(host)
		host = canonicalHost(host)
	}
	return host, port, err
}

// splitPatternHostPort tells "[::1]:5000" from the glob "[ab].example.com".
func splitPatternHostPort(s string) (host, port string, hasPort bool) {
	if isIPv6(s) {
		return splitHostPort(s)
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// isIPv6 reports a bracketed address: a glob class never holds a ':'.
func isIPv6(s string) bool {
	end := strings.IndexByte(s, ']')
	return strings.HasPrefix(s, "[") && end > 0 && strings.IndexByte(s[:end], ':') >= 0
}

// checkGlobHost checks each label of a globbed host: letters, digits, '-'
// and path.Match's '*', '?' and '[…]'.
func checkGlobHost(h string) error {
	for label := range strings.SplitSeq(h, ".") {
		if label == "" {
			return partError("host %s has an empty label", part(h))
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !isAlnum(c) && !strings.ContainsRune("-*?[]^", rune(c)) {
				return partError("host %s: %q is not allowed in a label", part(h), c)
			}
		}
		if _, err := path.Match(label, ""); err != nil {
			return partError("host %s: label %s is not a valid glob", part(h), part(label))
		}
	}
	return nil
}

// patternPath checks the repository prefix of a pattern.
func patternPath(repo string) (string, error) {
	if repo == "v1" || repo == "v2" {
		return "", nil // "https://index.docker.io/v1/" as a pattern
	}
	if repo == "" {
		return "", nil
	}
	if strings.IndexByte(repo, ':') >= 0 {
		return "", partError("path %s holds a ':': patterns match repositories, not tags", part(repo))
	}
	if strings.ContainsAny(repo, "*?[") {
		return "", partError("path %s holds a glob: globs are allowed in the host only", part(repo))
	}
	return repo, checkRepository(repo)
}

func hasGlob(h string) bool { return strings.ContainsAny(h, "*?[") }

// String returns the canonical form "host[:port][/path]".
func (p Pattern) String() string {
	s := p.host
	if p.port != "" {
		s += ":" + p.port
	}
	if p.path != "" {
		s += "/" + p.path
	}
	return s
}

// Host returns the lower-case host, globs included.
func (p Pattern) Host() string { return p.host }

// Port returns the port, "" when absent or 443.
func (p Pattern) Port() string { return p.port }

// HostPort is the host with its port, if the pattern names one: the
// registry as a credHelpers key or a `list` answer spells it.
func (p Pattern) HostPort() string {
	if p.port == "" {
		return p.host
	}
	return p.host + ":" + p.port
}

// Path returns the repository prefix, "" for the whole registry.
func (p Pattern) Path() string { return p.path }

// HasGlob reports whether the host holds glob characters.
func (p Pattern) HasGlob() bool { return p.glob }
