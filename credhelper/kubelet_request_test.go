package credhelper

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/kubeletproto"
	"github.com/regcred/regcred/internal/testkit"
)

func TestKubeletMalformedRequests(t *testing.T) {
	const v1 = `"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderRequest"`
	const beta = `"apiVersion":"credentialprovider.kubelet.k8s.io/v1beta1","kind":"CredentialProviderRequest"`
	tests := []struct {
		name, stdin, want string
	}{
		{name: "empty stdin", stdin: "", want: "not JSON: empty input"},
		{name: "bad JSON", stdin: `{"kind":`, want: "not JSON: truncated input"},
		{name: "syntax error", stdin: `{"kind" "x"}`, want: "not JSON: syntax error at byte"},
		{name: "not an object", stdin: `["image"]`, want: "not a JSON object"},
		{name: "two objects", stdin: `{` + v1 + `,"image":"reg.io/a"} {}`, want: "data after the JSON object"},
		{name: "missing apiVersion", stdin: `{"kind":"CredentialProviderRequest","image":"reg.io/a"}`, want: `field "apiVersion" is missing`},
		{name: "unknown apiVersion", stdin: `{"apiVersion":"credentialprovider.kubelet.k8s.io/v2","kind":"CredentialProviderRequest","image":"reg.io/a"}`, want: `apiVersion "credentialprovider.kubelet.k8s.io/v2" is not supported`},
		{name: "apiVersion of another group", stdin: `{"apiVersion":"v1","kind":"CredentialProviderRequest","image":"reg.io/a"}`, want: `apiVersion "v1" is not supported`},
		{name: "apiVersion not a string", stdin: `{"apiVersion":1,"kind":"CredentialProviderRequest","image":"reg.io/a"}`, want: `field "apiVersion": expected a string`},
		{name: "wrong kind", stdin: `{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderResponse","image":"reg.io/a"}`, want: `kind "CredentialProviderResponse": expected CredentialProviderRequest`},
		{name: "missing kind", stdin: `{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"reg.io/a"}`, want: `field "kind" is missing`},
		{name: "missing image", stdin: `{` + v1 + `}`, want: `field "image" is missing`},
		{name: "empty image", stdin: `{` + v1 + `,"image":""}`, want: `field "image" is empty`},
		{name: "null image", stdin: `{` + v1 + `,"image":null}`, want: `field "image": expected a string`},
		{name: "image not a reference", stdin: `{` + v1 + `,"image":"ftp://reg.io/a"}`, want: "image: "},
		{name: "extra field", stdin: `{` + v1 + `,"image":"reg.io/a","auth":{}}`, want: `unknown field "auth"`},
		{name: "field names are case-sensitive", stdin: `{` + v1 + `,"Image":"reg.io/a"}`, want: `unknown field "Image"`},
		{name: "duplicate field", stdin: `{` + v1 + `,"image":"reg.io/a","image":"reg.io/b"}`, want: `field "image" appears twice`},
		{name: "token in v1beta1", stdin: `{` + beta + `,"image":"reg.io/a","serviceAccountToken":"t0ken-value"}`, want: `field "serviceAccountToken" is not part of credentialprovider.kubelet.k8s.io/v1beta1`},
		{name: "token not a string", stdin: `{` + v1 + `,"image":"reg.io/a","serviceAccountToken":{"t0ken-value":1}}`, want: "serviceAccountToken: expected a string"},
		{name: "token null", stdin: `{` + v1 + `,"image":"reg.io/a","serviceAccountToken":null}`, want: "serviceAccountToken: expected a string"},
		{name: "empty token", stdin: `{` + v1 + `,"image":"reg.io/a","serviceAccountToken":""}`, want: "serviceAccountToken is empty"},
		{name: "blank token", stdin: `{` + v1 + `,"image":"reg.io/a","serviceAccountToken":" \n"}`, want: "serviceAccountToken is empty"},
		{name: "annotations without a token", stdin: `{` + v1 + `,"image":"reg.io/a","serviceAccountAnnotations":{"example.com/role":"r"}}`,
			want: "serviceAccountAnnotations without serviceAccountToken"},
		{name: "annotations with an empty token", stdin: `{` + v1 + `,"image":"reg.io/a","serviceAccountToken":"","serviceAccountAnnotations":{"a":"b"}}`,
			want: "serviceAccountToken is empty"},
		{name: "annotations not strings", stdin: `{` + v1 + `,"image":"reg.io/a","serviceAccountToken":"t0ken-value","serviceAccountAnnotations":{"a":1}}`,
			want: `serviceAccountAnnotations: expected an object of strings (annotation "a")`},
		{name: "annotations null", stdin: `{` + v1 + `,"image":"reg.io/a","serviceAccountToken":"t0ken-value","serviceAccountAnnotations":null}`,
			want: "serviceAccountAnnotations: expected an object of strings"},
		{name: "annotations a list", stdin: `{` + v1 + `,"image":"reg.io/a","serviceAccountToken":"t0ken-value","serviceAccountAnnotations":["a"]}`,
			want: "serviceAccountAnnotations: expected an object of strings"},
		{name: "duplicate annotation", stdin: `{` + v1 + `,"image":"reg.io/a","serviceAccountToken":"t0ken-value","serviceAccountAnnotations":{"example.com/role":"team-b","example.com/role":"team-a"}}`,
			want: `serviceAccountAnnotations: field "example.com/role" appears twice`},
		{name: "huge input", stdin: `{` + v1 + `,"image":"reg.io/a","serviceAccountToken":"` + strings.Repeat("x", 1<<20) + `"}`, want: "stdin is longer than 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestApp(t, kubeletConfig, kubeletEnv)
			got, code := ta.runString(t, tt.stdin, "kubelet")
			assert.Equal(t, 1, code, "exit code")
			assert.Empty(t, got, "stdout")
			stderr := ta.stderr.String()
			assert.Contains(t, stderr, "regcred kubelet: invalid CredentialProviderRequest: "+tt.want, "stderr")
			testkit.AssertNoSecret(t, "stderr", stderr, "t0ken-value")
		})
	}
}

func TestKubeletRequestDecoded(t *testing.T) {
	req, err := kubeletproto.ReadRequest(strings.NewReader(`
	  {"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderRequest",
	   "image":"Reg.Example.com:443/team/app","serviceAccountToken":"tok","serviceAccountAnnotations":{"example.com/role":"r1"}}
	`))
	require.NoError(t, err)
	assert.Equal(t, "Reg.Example.com:443/team/app", req.Image, "image")
	assert.Equal(t, "reg.example.com/team/app", req.Target.String(), "target")
	sa := req.ServiceAccount()
	require.NotNil(t, sa, "service account")
	require.Equal(t, "tok", sa.Token.Reveal(), "service account token")
	require.Equal(t, "r1", sa.Annotations["example.com/role"], "service account annotation")
	sa.Annotations["example.com/role"] = "changed"
	assert.Equal(t, "r1", req.Annotations["example.com/role"], "a backend changing the annotations changes the request")
}

func TestKubeletRequestErrorIs(t *testing.T) {
	_, err := kubeletproto.ReadRequest(strings.NewReader(`{}`))
	assert.ErrorIs(t, err, kubeletproto.ErrRequest)
}
