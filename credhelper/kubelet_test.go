package credhelper

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/kubeletproto"
)

const kubeletConfig = `defaults: false
registries:
  - match: registry.example.com/team
    static: {username: team, passwordEnv: TEAM_PW}
  - match: registry.example.com
    static: {username: host, passwordEnv: HOST_PW}
  - match: registry.example.com
    static: {username: host-fallback, passwordEnv: HOST_PW}
  - match: "*.example.com"
    answersAnyPod: true
    static: {username: glob, passwordEnv: GLOB_PW}
  - match: registry.example.com:5000
    static: {username: port, passwordEnv: HOST_PW}
  - match: index.docker.io
    static: {username: hub, passwordEnv: HOST_PW}
  - match: public.example.com
    anonymous: {}
  - match: broken.example.com
    static: {username: broken, passwordFile: /nonexistent/regcred-test/pw}
  - match: down.test
    static: {username: down, passwordFile: /nonexistent/regcred-test/pw}
  - match: down.test
    static: {username: down2, passwordEnv: UNSET_PW}
`

var kubeletEnv = map[string]string{
	"TEAM_PW": "team-pw",
	"HOST_PW": `h&<o>"st`,
	"GLOB_PW": "glob-pw",
}

func kubeletRequestJSON(apiVersion, image string) string {
	return `{"kind":"CredentialProviderRequest","apiVersion":"` + apiVersion + `","image":"` + image + `"}`
}

// The expected answers are written out byte for byte: field order and tags
// are those of k8s.io/kubelet's types, and the module in testdata/kubelet
// checks that the kubelet itself decodes them.
func TestKubeletGolden(t *testing.T) {
	const (
		v1      = "credentialprovider.kubelet.k8s.io/v1"
		v1beta1 = "credentialprovider.kubelet.k8s.io/v1beta1"
		alpha   = "credentialprovider.kubelet.k8s.io/v1alpha1"
		head1   = `{"kind":"CredentialProviderResponse","apiVersion":"` + v1 + `",`
		headB   = `{"kind":"CredentialProviderResponse","apiVersion":"` + v1beta1 + `",`
		headA   = `{"kind":"CredentialProviderResponse","apiVersion":"` + alpha + `",`
	)
	tests := []struct {
		name, stdin, want string
	}{
		{
			name:  "v1 every matching entry, path-scoped host so Image, long-lived so no cacheDuration",
			stdin: kubeletRequestJSON(v1, "registry.example.com/team/app"),
			want:  head1 + `"cacheKeyType":"Image","auth":{"*.example.com":{"username":"glob","password":"glob-pw"},"registry.example.com":{"username":"host","password":"h&<o>\"st"},"registry.example.com/team":{"username":"team","password":"team-pw"}}}` + "\n",
		},
		{
			name:  "v1beta1 path-scoped host, image outside the path",
			stdin: kubeletRequestJSON(v1beta1, "registry.example.com/other/app"),
			want:  headB + `"cacheKeyType":"Image","auth":{"*.example.com":{"username":"glob","password":"glob-pw"},"registry.example.com":{"username":"host","password":"h&<o>\"st"}}}` + "\n",
		},
		{
			name:  "v1alpha1 glob only, no path entry on the host so Registry",
			stdin: kubeletRequestJSON(alpha, "other.example.com/app"),
			want:  headA + `"cacheKeyType":"Registry","auth":{"*.example.com":{"username":"glob","password":"glob-pw"}}}` + "\n",
		},
		{
			name:  "port must match",
			stdin: kubeletRequestJSON(v1, "registry.example.com:5000/app"),
			want:  head1 + `"cacheKeyType":"Registry","auth":{"registry.example.com:5000":{"username":"port","password":"h&<o>\"st"}}}` + "\n",
		},
		{
			name:  "explicit :443 keeps the port in the keys, which the kubelet compares literally",
			stdin: kubeletRequestJSON(v1, "registry.example.com:443/team/app"),
			want:  head1 + `"cacheKeyType":"Image","auth":{"registry.example.com:443":{"username":"host","password":"h&<o>\"st"},"registry.example.com:443/team":{"username":"team","password":"team-pw"}}}` + "\n",
		},
		{
			name:  "docker hub alias in the config, canonical name from the kubelet",
			stdin: kubeletRequestJSON(v1, "docker.io/library/nginx"),
			want:  head1 + `"cacheKeyType":"Registry","auth":{"docker.io":{"username":"hub","password":"h&<o>\"st"}}}` + "\n",
		},
		{
			name:  "no match: empty answer, not cached",
			stdin: kubeletRequestJSON(v1, "quay.io/org/app"),
			want:  head1 + `"cacheKeyType":"Registry","cacheDuration":"0s"}` + "\n",
		},
		{
			name:  "anonymous entry ends the walk: empty answer",
			stdin: kubeletRequestJSON(v1beta1, "public.example.com/app"),
			want:  headB + `"cacheKeyType":"Registry","cacheDuration":"0s"}` + "\n",
		},
		{
			name:  "a failing entry does not hide the others, and shortens the cache",
			stdin: kubeletRequestJSON(v1, "broken.example.com/app"),
			want:  head1 + `"cacheKeyType":"Registry","cacheDuration":"1m0s","auth":{"*.example.com":{"username":"glob","password":"glob-pw"}}}` + "\n",
		},
		{
			name:  "service-account token and annotations accepted in v1",
			stdin: `{"kind":"CredentialProviderRequest","apiVersion":"` + v1 + `","image":"other.example.com/app","serviceAccountToken":"eyJhbGciOi.fake-sa-token.sig","serviceAccountAnnotations":{"example.com/role":"puller"}}`,
			want:  head1 + `"cacheKeyType":"Registry","auth":{"*.example.com":{"username":"glob","password":"glob-pw"}}}` + "\n",
		},
		{
			name:  "service-account request: entries that answer as the node are withheld unless they opt in",
			stdin: `{"kind":"CredentialProviderRequest","apiVersion":"` + v1 + `","image":"registry.example.com/team/app","serviceAccountToken":"eyJhbGciOi.fake-sa-token.sig"}`,
			want:  head1 + `"cacheKeyType":"Image","auth":{"*.example.com":{"username":"glob","password":"glob-pw"}}}` + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestApp(t, kubeletConfig, kubeletEnv)
			got, code := ta.runString(t, tt.stdin, "kubelet")
			require.Equal(t, 0, code, "exit %d, stderr:\n%s", code, ta.stderr)
			assert.Equal(t, tt.want, got, "stdout\n got: %s\nwant: %s", got, tt.want)
		})
	}
}

func TestKubeletAllFailed(t *testing.T) {
	ta := newTestApp(t, kubeletConfig, kubeletEnv)
	got, code := ta.runString(t, kubeletRequestJSON(kubeletproto.V1, "down.test/app"), "kubelet")
	require.Equal(t, 1, code, "exit %d, stdout %q; want exit 1 and nothing on stdout", code, got)
	require.Equal(t, "", got, "exit %d, stdout %q; want exit 1 and nothing on stdout", code, got)
	stderr := ta.stderr.String()
	for _, want := range []string{"no credential for down.test/app", "2 matching entries failed", "/nonexistent/regcred-test/pw", "UNSET_PW"} {
		assert.Contains(t, stderr, want, "stderr lacks %q", want)
	}
}

// The token must reach no output: not the answer, not the debug log, not
// the error of a request whose entries all failed.
func TestKubeletNeverPrintsToken(t *testing.T) {
	const token = "eyJhbGciOiJSUzI1NiJ9.very-secret-sa-token.c2ln"
	for _, image := range []string{"other.example.com/app", "down.test/app", "quay.io/none"} {
		t.Run(image, func(t *testing.T) {
			ta := newTestApp(t, kubeletConfig, kubeletEnv)
			stdin := `{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"` + image + `","serviceAccountToken":"` + token + `","serviceAccountAnnotations":{"a":"b"}}`
			got, _ := ta.runString(t, stdin, "kubelet")
			assert.NotContains(t, got, token, "the service-account token was printed on stdout")
			assert.NotContains(t, ta.stderr.String(), token, "the service-account token was printed on stderr")
			assert.Contains(t, ta.stderr.String(), "serviceAccountToken=true", "debug log does not say a token came:\n%s", ta.stderr)
		})
	}
}

func TestKubeletRejectsArguments(t *testing.T) {
	ta := newTestApp(t, kubeletConfig, kubeletEnv)
	got, code := ta.runString(t, kubeletRequestJSON(kubeletproto.V1, "other.example.com/app"), "kubelet", "extra")
	assert.Equal(t, 1, code, "exit code")
	assert.Empty(t, got, "stdout")
	assert.Contains(t, ta.stderr.String(), "kubelet takes no arguments")
}

func TestKubeletBrokenConfig(t *testing.T) {
	ta := newTestApp(t, "registries: [{match: reg.example.com}]\n", nil)
	got, code := ta.runString(t, kubeletRequestJSON(kubeletproto.V1, "reg.example.com/app"), "kubelet")
	assert.Equal(t, 1, code, "exit code")
	assert.Empty(t, got, "stdout")
	assert.Contains(t, ta.stderr.String(), "no backend")
}

// TestKubeletLogsNoMatchLikeGet: at debug, a kubelet request nothing
// matches says so, as a `get` does.
func TestKubeletLogsNoMatchLikeGet(t *testing.T) {
	ta := newTestApp(t, kubeletConfig, kubeletEnv)
	out, code := ta.runString(t, kubeletRequestJSON(kubeletproto.V1, "unconfigured.example.net/app"), "kubelet")
	require.Equal(t, 0, code, "exit %d, %s", code, out)
	require.Contains(t, out, "CredentialProviderResponse", "exit %d,", code)
	assert.Contains(t, ta.stderr.String(), `msg="no entry matches" request=unconfigured.example.net/app`, "no no-match line at debug:\n%s", ta.stderr)
}
