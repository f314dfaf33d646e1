package matcher

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	hex64  = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	ecrID  = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
	ecrPat = "*.dkr.ecr.*.amazonaws.com"
)

func tg(host, port, path string) Target { return Target{Host: host, Port: port, Path: path} }

// matchCases drive Normalize, Match and Order together: each request is
// normalised, checked, normalised again from its String() form, and then
// ordered against the case's patterns.
var matchCases = []struct {
	name     string
	request  string
	want     Target
	wantErr  string // substring of the error; set for requests that must fail
	patterns []string
	order    []int // indices Order must return; nil: nothing matches
	urlOnly  bool  // a one-word host only a URL can name (see doc.go)
}{
	// Every request form the clients send.
	{name: "docker hub v1 url", request: "https://index.docker.io/v1/", want: tg("docker.io", "", ""), patterns: []string{"docker.io"}, order: []int{0}},
	{name: "podman docker.io", request: "docker.io", want: tg("docker.io", "", ""), patterns: []string{"https://index.docker.io/v1/"}, order: []int{0}},
	{name: "index.docker.io alias", request: "index.docker.io", want: tg("docker.io", "", ""), patterns: []string{"docker.io"}, order: []int{0}},
	{name: "registry-1 alias v2 url", request: "https://registry-1.docker.io/v2/", want: tg("docker.io", "", ""), patterns: []string{"registry-1.docker.io"}, order: []int{0}},
	{name: "nerdctl host:443", request: "ghcr.io:443", want: tg("ghcr.io", "", ""), patterns: []string{"ghcr.io"}, order: []int{0}},
	{name: "nerdctl https host:443", request: "https://ghcr.io:443", want: tg("ghcr.io", "", ""), patterns: []string{"ghcr.io"}, order: []int{0}},
	{name: "nerdctl http host:443", request: "http://ghcr.io:443", want: tg("ghcr.io", "", ""), patterns: []string{"ghcr.io:443"}, order: []int{0}},
	{name: "nerdctl bare host", request: "ghcr.io", want: tg("ghcr.io", "", ""), patterns: []string{"ghcr.io:443"}, order: []int{0}},
	{name: "nerdctl https host", request: "https://ghcr.io", want: tg("ghcr.io", "", ""), patterns: []string{"ghcr.io"}, order: []int{0}},
	{name: "nerdctl http host", request: "http://ghcr.io", want: tg("ghcr.io", "", ""), patterns: []string{"https://ghcr.io"}, order: []int{0}},
	{name: "host with port", request: "reg.example.com:5000", want: tg("reg.example.com", "5000", ""), patterns: []string{"reg.example.com:5000"}, order: []int{0}},
	{name: "full reference with port and tag", request: "reg.example.com:5000/ns/repo:tag", want: tg("reg.example.com", "5000", "ns/repo"), patterns: []string{"reg.example.com:5000/ns"}, order: []int{0}},
	{name: "hub name with digest", request: "nginx@sha256:" + hex64, want: tg("docker.io", "", "library/nginx"), patterns: []string{"docker.io/library/nginx"}, order: []int{0}},
	{name: "localhost with port and path", request: "localhost:5000/x", want: tg("localhost", "5000", "x"), patterns: []string{"localhost:5000"}, order: []int{0}},
	{name: "ipv6 with port", request: "[::1]:5000", want: tg("[::1]", "5000", ""), patterns: []string{"[::1]:5000"}, order: []int{0}},
	{name: "ipv6 reference", request: "[::1]:5000/ns/app:v1", want: tg("[::1]", "5000", "ns/app"), patterns: []string{"[::1]:5000/ns"}, order: []int{0}},
	{name: "ipv6 url with v2", request: "http://[::1]:5000/v2/", want: tg("[::1]", "5000", "")},
	{name: "ipv6 canonical form", request: "[0:0::1]:5000", want: tg("[::1]", "5000", ""), patterns: []string{"[0::1]:5000"}, order: []int{0}},
	{name: "bare hub name", request: "nginx", want: tg("docker.io", "", "library/nginx"), patterns: []string{"docker.io"}, order: []int{0}},
	{name: "bare hub name with tag", request: "nginx:latest", want: tg("docker.io", "", "library/nginx")},
	{name: "hub user repo", request: "user/app", want: tg("docker.io", "", "user/app"), patterns: []string{"docker.io/user"}, order: []int{0}},
	{name: "hub user repo tag and digest", request: "user/app:1.0@sha256:" + hex64, want: tg("docker.io", "", "user/app")},
	{name: "docker.io one-word path gets library", request: "docker.io/nginx", want: tg("docker.io", "", "library/nginx")},
	{name: "index.docker.io reference", request: "index.docker.io/library/nginx:1.25", want: tg("docker.io", "", "library/nginx")},
	{name: "kubelet image form", request: "docker.io/library/nginx", want: tg("docker.io", "", "library/nginx"), patterns: []string{"docker.io/library"}, order: []int{0}},
	{name: "whitespace and upper case", request: "  GCR.IO \n", want: tg("gcr.io", "", ""), patterns: []string{"gcr.io"}, order: []int{0}},
	{name: "userinfo query fragment stripped", request: "https://user:pw@reg.example.com/v2/?x=1#frag", want: tg("reg.example.com", "", "")},
	{name: "upper-case scheme and host", request: "HTTPS://Reg.Example.COM:443/", want: tg("reg.example.com", "", "")},
	{name: "one-word host with port", request: "registry:5000", want: tg("registry", "5000", ""), patterns: []string{"registry:5000"}, order: []int{0}},
	{name: "one-word host with port and path", request: "registry:5000/app", want: tg("registry", "5000", "app")},
	{name: "ipv4 with port", request: "10.0.0.1:5000/app", want: tg("10.0.0.1", "5000", "app")},
	{name: "artifact registry reference", request: "us-docker.pkg.dev/project/repo/image:tag", want: tg("us-docker.pkg.dev", "", "project/repo/image"), patterns: []string{"*-docker.pkg.dev"}, order: []int{0}},
	{name: "ecr reference", request: ecrID + "/app:latest", want: tg(ecrID, "", "app"), patterns: []string{ecrPat}, order: []int{0}},
	{name: "localhost alone", request: "localhost", want: tg("localhost", "", "")},
	{name: "trailing slash", request: "quay.io/org/app/", want: tg("quay.io", "", "org/app")},
	{name: "leading zeros in port", request: "reg.io:05000", want: tg("reg.io", "5000", ""), patterns: []string{"reg.io:5000"}, order: []int{0}},
	{name: "http port 80 kept", request: "http://reg.io:80", want: tg("reg.io", "80", ""), patterns: []string{"reg.io"}},
	{name: "upper-case first word is no host", request: "MyReg/app", wantErr: `component "MyReg"`},
	{name: "url names a one-word host", request: "https://registry/app", want: tg("registry", "", "app"), urlOnly: true, patterns: []string{"docker.io"}},

	// Bad requests.
	{name: "empty", request: "", wantErr: "empty"},
	{name: "only whitespace", request: " \t\n", wantErr: "empty"},
	{name: "nul byte", request: "gcr.io\x00", wantErr: "control character 0x00"},
	{name: "newline inside", request: "gcr\n.io", wantErr: "control character 0x0a"},
	{name: "delete byte", request: "gcr.io\x7f", wantErr: "control character 0x7f"},
	{name: "non-ascii", request: "gcr.iö", wantErr: "non-ASCII"},
	{name: "over 4 KiB", request: "a." + strings.Repeat("b", maxInput), wantErr: "the limit is 4096"},
	{name: "ftp scheme", request: "ftp://gcr.io", wantErr: `scheme "ftp"`},
	{name: "unix socket scheme", request: "unix:///var/run/docker.sock", wantErr: `scheme "unix"`},
	{name: "not a scheme", request: "user:pw://gcr.io", wantErr: "not a URL scheme"},
	{name: "port not a number", request: "gcr.io:abc", wantErr: `port "abc"`},
	{name: "port too large", request: "gcr.io:99999", wantErr: `port "99999"`},
	{name: "port zero", request: "gcr.io:0", wantErr: `port "0"`},
	{name: "short digest", request: "nginx@sha256:abc", wantErr: "64 lower-case hex"},
	{name: "upper-case digest", request: "nginx@sha256:" + strings.ToUpper(hex64), wantErr: "64 lower-case hex"},
	{name: "unknown digest algorithm", request: "nginx@md5:" + hex64, wantErr: "sha256:, sha384: or sha512:"},
	{name: "digest without repository", request: "gcr.io@sha256:" + hex64, wantErr: "digest needs a repository"},
	{name: "two digests", request: "a@sha256:" + hex64 + "@sha256:" + hex64, wantErr: "more than one '@'"},
	{name: "upper-case repository", request: "gcr.io/Upper/case", wantErr: `component "Upper"`},
	{name: "empty path component", request: "gcr.io//double", wantErr: "empty path component"},
	{name: "bad tag", request: "gcr.io/app:-bad", wantErr: `tag "-bad"`},
	{name: "hyphen-led label", request: "-bad.example.com", wantErr: `label "-bad"`},
	{name: "empty label", request: "gcr..io", wantErr: `label ""`},
	{name: "unclosed ipv6", request: "[::1", wantErr: "IPv6"},
	{name: "ipv6 zone", request: "[fe80::1%25eth0]:5000", wantErr: "IPv6"},
	{name: "scheme without host", request: "https://", wantErr: "no registry or image name"},
	{name: "bare image id", request: hex64, wantErr: "image ID"},

	// Look-alikes that must not match.
	{name: "suffix look-alike", request: "gcr.io.evil.example", want: tg("gcr.io.evil.example", "", ""), patterns: []string{"gcr.io", "*.gcr.io"}},
	{name: "prefix look-alike", request: "evilgcr.io", want: tg("evilgcr.io", "", ""), patterns: []string{"gcr.io", "*.gcr.io"}},
	{name: "path look-alike", request: "reg.io/abcdef", want: tg("reg.io", "", "abcdef"), patterns: []string{"reg.io/abc"}},
	{name: "team look-alike", request: "reg.io/team-ab/app", want: tg("reg.io", "", "team-ab/app"), patterns: []string{"reg.io/team-a"}},
	{name: "ecr look-alike", request: ecrID + ".evil.example", want: tg(ecrID+".evil.example", "", ""), patterns: []string{ecrPat}},
	{name: "ecr look-alike with path", request: ecrID + ".evil.example/app", want: tg(ecrID+".evil.example", "", "app"), patterns: []string{ecrPat, ecrID}},
	{name: "artifact registry look-alike", request: "us-docker.pkg.dev.evil.example", want: tg("us-docker.pkg.dev.evil.example", "", ""), patterns: []string{"*-docker.pkg.dev"}},
	{name: "glob needs its label", request: "docker.pkg.dev", want: tg("docker.pkg.dev", "", ""), patterns: []string{"*-docker.pkg.dev"}},
	{name: "glob does not cover the bare domain", request: "example.com", want: tg("example.com", "", ""), patterns: []string{"*.example.com"}},
	{name: "glob covers one label only", request: "a.b.example.com", want: tg("a.b.example.com", "", ""), patterns: []string{"*.example.com"}},
	{name: "absent port does not match a port", request: "reg.io:5000", want: tg("reg.io", "5000", ""), patterns: []string{"reg.io"}},
	{name: "port does not match absent", request: "reg.io", want: tg("reg.io", "", ""), patterns: []string{"reg.io:5000"}},
	{name: "pattern path longer than request", request: "reg.io/ab", want: tg("reg.io", "", "ab"), patterns: []string{"reg.io/abc"}},
	{name: "hub org look-alike", request: "myorganisation/app", want: tg("docker.io", "", "myorganisation/app"), patterns: []string{"docker.io/myorg"}},
	{name: "glob never matches an address", request: "[::1]:5000", want: tg("[::1]", "5000", ""), patterns: []string{"*:5000"}},
	{name: "other host, path-scoped pattern", request: "other.io", want: tg("other.io", "", ""), patterns: []string{"reg.io/abc"}},

	// Matches and their order.
	{name: "path exact", request: "reg.io/abc", want: tg("reg.io", "", "abc"), patterns: []string{"reg.io/abc"}, order: []int{0}},
	{name: "path prefix at slash", request: "reg.io/abc/one", want: tg("reg.io", "", "abc/one"), patterns: []string{"reg.io/abcd", "reg.io/abc"}, order: []int{1}},
	{name: "glob one label", request: "a.example.com", want: tg("a.example.com", "", ""), patterns: []string{"*.example.com"}, order: []int{0}},
	{name: "question-mark glob", request: "gcr.io", want: tg("gcr.io", "", ""), patterns: []string{"?cr.io", "[gq]cr.io", "[^g]cr.io"}, order: []int{0, 1}},
	{name: "glob with port", request: "localhost:5000", want: tg("localhost", "5000", ""), patterns: []string{"*:5000", "*"}, order: []int{0}},
	{name: "case-insensitive pattern", request: "eu.gcr.io", want: tg("eu.gcr.io", "", ""), patterns: []string{"GCR.IO", "*.GCR.io"}, order: []int{1}},
	{name: "most specific first for a path", request: "a.reg.io/team/app/x",
		want:     tg("a.reg.io", "", "team/app/x"),
		patterns: []string{"*.reg.io", "a.reg.io", "a.reg.io/team", "a.reg.io/team/app", "a.reg.io", "a.reg.io/other"},
		order:    []int{3, 2, 1, 4, 0}},
	{name: "host-only request: host-level first then path-scoped", request: "a.reg.io",
		want:     tg("a.reg.io", "", ""),
		patterns: []string{"*.reg.io", "a.reg.io/team", "a.reg.io", "a.reg.io/team/app", "a.reg.io", "*.reg.io/x"},
		order:    []int{2, 4, 0, 1, 3, 5}},
	{name: "exact host beats longer path", request: "reg.io/team/app", want: tg("reg.io", "", "team/app"), patterns: []string{"*.io/team", "reg.io"}, order: []int{1, 0}},
	{name: "same pattern keeps config order", request: "nginx", want: tg("docker.io", "", "library/nginx"), patterns: []string{"docker.io", "index.docker.io", "docker.io"}, order: []int{0, 1, 2}},
	{name: "path-scoped only, docker asks for the host", request: "reg.io", want: tg("reg.io", "", ""), patterns: []string{"reg.io/team-b", "reg.io/team-a"}, order: []int{0, 1}},
	{name: "hub org prefix", request: "myorg/app:1", want: tg("docker.io", "", "myorg/app"), patterns: []string{"docker.io/library", "docker.io/myorg", "docker.io"}, order: []int{1, 2}},
	{name: "docker's hub request reaches path-scoped hub entries", request: "https://index.docker.io/v1/", want: tg("docker.io", "", ""), patterns: []string{"docker.io/myorg", "registry-1.docker.io", "*.io"}, order: []int{1, 2, 0}},
	{name: "ecr request picks its pattern among many", request: ecrID, want: tg(ecrID, "", ""),
		patterns: []string{"gcr.io", "*.gcr.io", "*-docker.pkg.dev", ecrPat, "docker.io", ecrID},
		order:    []int{5, 3}},
}

func TestNormalizeMatchOrder(t *testing.T) {
	for _, tc := range matchCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Normalize(tc.request)
			if tc.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalidRequest, "Normalize(%q) = %+v", tc.request, got)
				require.ErrorContains(t, err, tc.wantErr, "Normalize(%q)", tc.request)
				return
			}
			require.NoError(t, err, "Normalize(%q)", tc.request)
			require.Equal(t, tc.want, got, "Normalize(%q)", tc.request)
			again, err := Normalize(got.String())
			idem := err == nil && again == got
			assert.Equal(t, !tc.urlOnly, idem, "Normalize(%q) = %+v, %v; idempotent", got.String(), again, err)
			checkOrder(t, tc.patterns, got, tc.order)
		})
	}
}

func checkOrder(t *testing.T, patterns []string, target Target, want []int) {
	t.Helper()
	ps := make([]Pattern, len(patterns))
	for i, s := range patterns {
		p, err := ParsePattern(s)
		require.NoError(t, err, "ParsePattern(%q)", s)
		ps[i] = p
	}
	got := Order(ps, target)
	assert.True(t, slices.Equal(got, want), "Order(%q, %v) = %v, want %v", patterns, target, got, want)
	for i, p := range ps {
		assert.Equal(t, slices.Contains(want, i), p.Match(target), "%q.Match(%v)", patterns[i], target)
	}
}

func TestCaseCount(t *testing.T) {
	require.GreaterOrEqual(t, len(matchCases), 60, "cases; the issue asks for at least 60")
}
