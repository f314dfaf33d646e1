package kubeletproto

import (
	"testing"

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
			if !p.Match(tg) {
				t.Fatalf("precondition: %s does not match %s", tt.pattern, tt.image)
			}
			if got := Key(p, tt.image); got != tt.want {
				t.Errorf("key %q, want %q", got, tt.want)
			}
		})
	}
}

// The kubelet's rules, as k8s.io/kubernetes/pkg/credentialprovider's
// URLsMatchStr tests state them; testdata/kubelet runs the real thing.
func TestKubeletMatches(t *testing.T) {
	tests := []struct {
		key, image string
		want       bool
	}{
		{"*.kubernetes.io", "prefix.kubernetes.io", true},
		{"prefix.*.io", "prefix.kubernetes.io", true},
		{"prefix.kubernetes.*", "prefix.kubernetes.io", true},
		{"*-good.kubernetes.io", "prefix-good.kubernetes.io", true},
		{"*.kubernetes.io", "kubernetes.io", false},
		{"*.io", "prefix.kubernetes.io", false},
		{"kubernetes.io:5000", "kubernetes.io", false},
		{"kubernetes.io", "kubernetes.io:5000", false},
		{"kubernetes.io/foo", "kubernetes.io/foo/bar", true},
		{"kubernetes.io/foo", "kubernetes.io/foobar", true}, // a raw prefix: why regcred keys by image when paths exist
		{"kubernetes.io/foo/bar", "kubernetes.io/foo", false},
		{"Kubernetes.io", "kubernetes.io", false},
	}
	for _, tt := range tests {
		if got := Matches(tt.key, tt.image); got != tt.want {
			t.Errorf("Matches(%q, %q) = %v, want %v", tt.key, tt.image, got, tt.want)
		}
	}
}
