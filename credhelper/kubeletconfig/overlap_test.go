package kubeletconfig

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMatchImagesOverlap(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{name: "same host", a: "registry.example.com", b: "registry.example.com", want: true},
		{name: "other host", a: "registry.example.com", b: "team-registry.example.com"},
		{name: "glob covers the host", a: "*.dkr.ecr.*.amazonaws.com", b: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", want: true},
		{name: "glob against glob", a: "*.dkr.ecr.*.amazonaws.com", b: "*.dkr.ecr.eu-west-1.amazonaws.com", want: true},
		{name: "globs with disjoint literal starts", a: "eu-*.pkg.dev", b: "us-*.pkg.dev"},
		{name: "globs with disjoint literal ends", a: "*-docker.pkg.dev", b: "*-maven.pkg.dev"},
		{name: "globs that meet", a: "us-*.pkg.dev", b: "*-docker.pkg.dev", want: true},
		{name: "label counts differ", a: "*.example.com", b: "example.com"},
		{name: "case", a: "Registry.Example.com", b: "registry.example.com", want: true},
		{name: "ports differ", a: "registry.example.com:5000", b: "registry.example.com"},
		{name: "ports equal", a: "registry.example.com:5000", b: "registry.example.com:5000/team", want: true},
		{name: "path under host", a: "registry.example.com/team-a", b: "registry.example.com", want: true},
		{name: "raw prefix is an overlap for the kubelet", a: "registry.example.com/team", b: "registry.example.com/team-b", want: true},
		{name: "disjoint paths", a: "registry.example.com/team-a", b: "registry.example.com/team-b"},
		{name: "scheme ignored", a: "https://registry.example.com", b: "registry.example.com/x", want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, MatchImagesOverlap(tt.a, tt.b))
			assert.Equal(t, tt.want, MatchImagesOverlap(tt.b, tt.a), "not symmetric")
		})
	}
}

func TestOverlaps(t *testing.T) {
	const doc = header + `  - name: docker-credential-regcred
    matchImages: ["registry.example.com", "*.dkr.ecr.*.amazonaws.com", "docker.io"]
    defaultCacheDuration: 1h
    apiVersion: credentialprovider.kubelet.k8s.io/v1
  - name: regcred-workload
    matchImages: ["team-registry.example.com", "123456789012.dkr.ecr.eu-west-1.amazonaws.com"]
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    tokenAttributes: {serviceAccountTokenAudience: regcred, requireServiceAccount: true}
  - name: other-workload
    matchImages: ["*.dkr.ecr.*.amazonaws.com"]
    tokenAttributes: {serviceAccountTokenAudience: x}
`
	c, err := Parse("cp.yaml", []byte(doc))
	require.NoError(t, err)
	var got []string
	for _, o := range c.Overlaps() {
		got = append(got, o.Pod.Name+" "+o.PodImage+" ~ "+o.Node.Name+" "+o.NodeImage)
	}
	want := []string{
		"regcred-workload 123456789012.dkr.ecr.eu-west-1.amazonaws.com ~ docker-credential-regcred *.dkr.ecr.*.amazonaws.com",
		"other-workload *.dkr.ecr.*.amazonaws.com ~ docker-credential-regcred *.dkr.ecr.*.amazonaws.com",
	}
	assert.Equal(t, want, got, "overlaps")
	msg := c.Overlaps()[0].String()
	assert.Contains(t, msg, "node's identity", "the warning does not say what happens")
	assert.Contains(t, msg, "defaults: false", "the warning does not say what to do")
}

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{name: "not YAML", doc: "providers: [", want: "cp.yaml"},
		{name: "another kind", doc: "kind: KubeletConfiguration\n", want: `kind is "KubeletConfiguration"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("cp.yaml", []byte(tt.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
