package matcher

import (
	// go-digest supports sha384 and sha512 only when the binary links
	// crypto/sha512, as docker's and podman's do.
	_ "crypto/sha512"
	"fmt"
	"strings"
	"testing"

	"github.com/distribution/reference"
	"github.com/stretchr/testify/assert"
)

// TestAgreesWithDistributionReference checks the hand-written grammar
// against the package docker and containers/image use: for every generated
// image reference, both accept it and name the same repository, or both
// reject it.
func TestAgreesWithDistributionReference(t *testing.T) {
	domains := []string{"", "gcr.io", "localhost:5000", "reg.example.com:5000", "index.docker.io", "docker.io", "10.1.2.3:5000", "[::1]:5000", "a-b.example.com"}
	paths := []string{"app", "ns/app", "a.b/c__d", "a---b", "a_b", "a__b", "a___b", "a_-b", "a-_b", "a..b", ".a", "a.", "-a", "a-", "_a", "A", "ns/App", "a//b", "x/y/z", "0", "library/nginx", strings.Repeat("a", 250)}
	tags := []string{"", ":v1", ":_x", ":.x", ":-x", ":" + strings.Repeat("t", 128), ":" + strings.Repeat("t", 129), ":1.0-rc_1", ":x:y", ":"}
	digests := []string{"", "@sha256:" + hex64, "@sha256:" + hex64[1:], "@sha256:" + strings.ToUpper(hex64), "@sha384:" + hex64 + hex64[:32], "@sha512:" + hex64 + hex64, "@md5:" + hex64[:32], "@sha256:", "@"}
	n := 0
	for _, d := range domains {
		for _, p := range paths {
			for _, tag := range tags {
				for _, dg := range digests {
					s := p + tag + dg
					if d != "" {
						s = d + "/" + s
					}
					compareWithReference(t, s)
					n++
				}
			}
		}
	}
	t.Logf("%d references compared", n)
}

func compareWithReference(t *testing.T, s string) {
	t.Helper()
	got, err := Normalize(s)
	named, refErr := reference.ParseNormalizedNamed(s)
	switch {
	case (err == nil) != (refErr == nil):
		assert.Fail(t, fmt.Sprintf("%s: Normalize = %v, %v; reference = %v", quote(s), got, err, refErr))
	case err == nil:
		want := reference.Domain(named) + "/" + reference.Path(named)
		assert.Equal(t, want, got.String(), "%s: Normalize = %q, reference = %q", quote(s), got, want)
	}
}
