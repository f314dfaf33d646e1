package matcher

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePattern(t *testing.T) {
	tests := []struct {
		name                  string
		in                    string
		str, host, port, path string
		glob                  bool
	}{
		{name: "plain host", in: "gcr.io", str: "gcr.io", host: "gcr.io"},
		{name: "docker v1 url", in: "HTTPS://Index.Docker.IO:443/v1/", str: "docker.io", host: "docker.io"},
		{name: "registry-1 alias", in: "registry-1.docker.io/library", str: "docker.io/library", host: "docker.io", path: "library"},
		{name: "glob with path", in: " *.Example.com:443/abc/ ", str: "*.example.com/abc", host: "*.example.com", path: "abc", glob: true},
		{name: "ecr glob", in: ecrPat, str: ecrPat, host: ecrPat, glob: true},
		{name: "class glob", in: "[gq]cr.io", str: "[gq]cr.io", host: "[gq]cr.io", glob: true},
		{name: "class glob with port", in: "[ab].example.com:5000", str: "[ab].example.com:5000", host: "[ab].example.com", port: "5000", glob: true},
		{name: "ipv6", in: "[0::1]:5000/ns", str: "[::1]:5000/ns", host: "[::1]", port: "5000", path: "ns"},
		{name: "port leading zero", in: "http://reg.io:05000", str: "reg.io:5000", host: "reg.io", port: "5000"},
		{name: "one-word host", in: "registry", str: "registry", host: "registry"},
		{name: "star alone", in: "*", str: "*", host: "*", glob: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePattern(tc.in)
			require.NoError(t, err, "ParsePattern(%q)", tc.in)
			got := [4]string{p.String(), p.Host(), p.Port(), p.Path()}
			assert.Equal(t, [4]string{tc.str, tc.host, tc.port, tc.path}, got, "ParsePattern(%q): string, host, port, path", tc.in)
			assert.Equal(t, tc.glob, p.HasGlob(), "ParsePattern(%q): glob", tc.in)
			again, err := ParsePattern(p.String())
			assert.NoError(t, err, "ParsePattern(%q)", p.String())
			assert.Equal(t, p, again, "ParsePattern(%q)", p.String())
		})
	}
}

func TestParsePatternErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "empty", in: "  ", want: "empty"},
		{name: "control character", in: "gcr.io\t/x", want: "control character 0x09"},
		{name: "too long", in: strings.Repeat("a", maxInput+1), want: "the limit is 4096"},
		{name: "other scheme", in: "oci://gcr.io", want: "scheme is not http or https"},
		{name: "tag", in: "reg.io/app:v1", want: "not tags"},
		{name: "digest", in: "reg.io/app@sha256:" + hex64, want: "'@'"},
		{name: "fragment", in: "reg.io#x", want: "'#'"},
		{name: "a variable", in: "$CI_REGISTRY", want: "variables are not expanded"},
		{name: "a braced variable in the path", in: "reg.io/${TEAM}", want: "variables are not expanded"},
		{name: "bad glob", in: "[a-.example.com", want: "label is not a valid glob"},
		{name: "backslash", in: `a\*.example.com`, want: `'\\'`},
		{name: "empty glob label", in: "*..example.com", want: "empty label"},
		{name: "empty domain label", in: "gcr..io", want: "label must be letters, digits and inner hyphens"},
		{name: "glob in path", in: "reg.io/team-*", want: "globs are allowed in the host only"},
		{name: "glob in port", in: "reg.io:*", want: "port is not a number"},
		{name: "bad port", in: "reg.io:70000", want: "port is not a number from 1 to 65535"},
		{name: "no host", in: "/abc", want: "empty host"},
		{name: "upper-case path", in: "reg.io/Team", want: "component must be lower-case"},
		{name: "empty path component", in: "reg.io//x", want: "empty path component"},
		{name: "bad ipv6", in: "[::g]:5000", want: "IPv6"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePattern(tc.in)
			require.ErrorIs(t, err, ErrInvalidPattern, "ParsePattern(%q) = %v", tc.in, p)
			require.ErrorContains(t, err, tc.want, "ParsePattern(%q)", tc.in)
		})
	}
}

func TestZeroPatternMatchesNothing(t *testing.T) {
	for _, target := range []Target{{}, tg("docker.io", "", ""), tg("localhost", "5000", "x")} {
		assert.False(t, (Pattern{}).Match(target), "zero Pattern matched %+v", target)
	}
}
