package kubeletproto

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/matcher"
)

func TestKubeletKey(t *testing.T) {
	tests := []struct {
		name, pattern, image, want string
	}{
		{name: "host", pattern: "reg.example.com", image: "reg.example.com/app", want: "reg.example.com"},
		{name: "host and path", pattern: "reg.example.com/team", image: "reg.example.com/team/app", want: "reg.example.com/team"},
		{name: "glob", pattern: "*.example.com", image: "reg.example.com/app", want: "*.example.com"},
		{name: "glob in the middle", pattern: "reg.*.example.com", image: "reg.eu.example.com/app", want: "reg.*.example.com"},
		{name: "port", pattern: "reg.example.com:5000/team", image: "reg.example.com:5000/team/app", want: "reg.example.com:5000/team"},
		{name: "docker hub alias folded", pattern: "index.docker.io", image: "docker.io/library/nginx", want: "docker.io"},
		{name: "ipv6", pattern: "[::1]:5000", image: "[::1]:5000/app", want: "[::1]:5000"},
		{name: "explicit 443 on the image", pattern: "reg.example.com/team", image: "reg.example.com:443/team/app", want: "reg.example.com:443/team"},
		{name: "glob and explicit 443", pattern: "*.example.com", image: "reg.example.com:443/app", want: "reg.example.com:443"},
		{name: "upper-case host from the kubelet", pattern: "reg.example.com", image: "Reg.Example.com/app", want: "Reg.Example.com"},
		{name: "? glob the kubelet's URL parser cuts", pattern: "reg?.example.com", image: "reg1.example.com/app", want: "reg1.example.com"},
		{name: "class glob the kubelet's URL parser rejects", pattern: "reg[0-9].example.com/team", image: "reg7.example.com/team/app", want: "reg7.example.com/team"},
		{name: "image without a registry part keeps the pattern", pattern: "docker.io", image: "nginx", want: "docker.io"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := matcher.ParsePattern(tt.pattern)
			require.NoError(t, err)
			tg, err := matcher.Normalize(tt.image)
			require.NoError(t, err)
			require.True(t, p.Match(tg), "precondition: the pattern does not match the image")
			assert.Equal(t, tt.want, Key(p, tt.image))
		})
	}
}

// The kubelet's rules, as k8s.io/kubernetes/pkg/credentialprovider's
// URLsMatchStr tests state them; testdata/kubelet runs the real thing.
func TestKubeletMatches(t *testing.T) {
	tests := []struct {
		name, key, image string
		want             bool
	}{
		{name: "leading glob", key: "*.kubernetes.io", image: "prefix.kubernetes.io", want: true},
		{name: "middle glob", key: "prefix.*.io", image: "prefix.kubernetes.io", want: true},
		{name: "trailing glob", key: "prefix.kubernetes.*", image: "prefix.kubernetes.io", want: true},
		{name: "glob inside a label", key: "*-good.kubernetes.io", image: "prefix-good.kubernetes.io", want: true},
		{name: "glob needs its label", key: "*.kubernetes.io", image: "kubernetes.io"},
		{name: "glob spans one label", key: "*.io", image: "prefix.kubernetes.io"},
		{name: "port on the key only", key: "kubernetes.io:5000", image: "kubernetes.io"},
		{name: "port on the image only", key: "kubernetes.io", image: "kubernetes.io:5000"},
		{name: "path prefix", key: "kubernetes.io/foo", image: "kubernetes.io/foo/bar", want: true},
		// a raw prefix: why regcred keys by image when paths exist
		{name: "raw path prefix", key: "kubernetes.io/foo", image: "kubernetes.io/foobar", want: true},
		{name: "longer path", key: "kubernetes.io/foo/bar", image: "kubernetes.io/foo"},
		{name: "case", key: "Kubernetes.io", image: "kubernetes.io"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Matches(tt.key, tt.image), "Matches(%q, %q)", tt.key, tt.image)
		})
	}
}
