package matcher

import (
	"strings"
)

// This file checks repository names, tags and digests against the grammar of
// github.com/distribution/reference by hand. That package compiles about
// a dozen regular expressions at init (≈1 ms and 4,000 allocations), a cost
// every helper process would pay even when no pattern matches. The tests
// check this code against the package itself.

// maxName is reference.RepositoryNameTotalLengthMax: the repository path,
// registry excluded.
const maxName = 255

// checkRepository checks "component[/component…]", each component being
// lower-case letters and digits joined by ".", "_", "__" or runs of "-".
func checkRepository(p string) error {
	for c := range strings.SplitSeq(p, "/") {
		if c == "" {
			return partError("repository %s has an empty path component", part(p))
		}
		if !validComponent(c) {
			return partError("repository component %s must be lower-case letters and digits joined by '.', '_', '__' or '-'", part(c))
		}
	}
	return nil
}

func validComponent(c string) bool {
	if !isLowerAlnum(c[0]) || !isLowerAlnum(c[len(c)-1]) {
		return false
	}
	for i := 1; i < len(c); i++ {
		if isLowerAlnum(c[i]) {
			continue
		}
		// A separator: ".", "_", "__" or any run of "-", then an alnum.
		j := i
		switch c[i] {
		case '.':
			j++
		case '_':
			j++
			if c[j] == '_' {
				j++
			}
		case '-':
			for c[j] == '-' {
				j++
			}
		default:
			return false
		}
		// The last byte is alnum, so j is in range.
		if !isLowerAlnum(c[j]) {
			return false
		}
		i = j
	}
	return true
}

// checkTag checks [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
func checkTag(t string) error {
	ok := t != "" && len(t) <= 128 && isWord(t[0])
	for i := 1; ok && i < len(t); i++ {
		ok = isWord(t[i]) || t[i] == '.' || t[i] == '-'
	}
	if !ok {
		return partError("tag %s must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'", part(t))
	}
	return nil
}

// checkDigest accepts the digests distribution/reference accepts:
// sha256, sha384 or sha512 with the exact number of lower-case hex digits.
func checkDigest(d string) error {
	alg, enc, _ := strings.Cut(d, ":")
	var size int
	switch alg {
	case "sha256":
		size = 64
	case "sha384":
		size = 96
	case "sha512":
		size = 128
	default:
		return partError("digest %s: want sha256:, sha384: or sha512: followed by hex", part(d))
	}
	if len(enc) != size || !isLowerHex(enc) {
		return partError("digest %s: want %d lower-case hex digits after %q", part(d), size, alg+":")
	}
	return nil
}

// splitTag splits "repo[:tag]"; a tag follows the last ':' after the last '/'.
func splitTag(name string) (repo, tag string, hasTag bool) {
	i := strings.LastIndexByte(name, ':')
	if i < 0 || strings.IndexByte(name[i:], '/') >= 0 {
		return name, "", false
	}
	return name[:i], name[i+1:], true
}

func isWord(c byte) bool { return isAlnum(c) || c == '_' }

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}
