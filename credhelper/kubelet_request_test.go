package credhelper

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/kubeletproto"
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
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if got != "" {
				t.Errorf("stdout %q, want nothing", got)
			}
			stderr := ta.stderr.String()
			if !strings.Contains(stderr, "regcred kubelet: invalid CredentialProviderRequest: "+tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
			if strings.Contains(stderr, "t0ken-value") {
				t.Errorf("stderr quotes the token:\n%s", stderr)
			}
		})
	}
}

func TestKubeletRequestDecoded(t *testing.T) {
	req, err := kubeletproto.ReadRequest(strings.NewReader(`
	  {"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderRequest",
	   "image":"Reg.Example.com:443/team/app","serviceAccountToken":"tok","serviceAccountAnnotations":{"example.com/role":"r1"}}
	`))
	require.NoError(t, err)
	if req.Image != "Reg.Example.com:443/team/app" || req.Target.String() != "reg.example.com/team/app" {
		t.Errorf("image %q target %q", req.Image, req.Target)
	}
	sa := req.ServiceAccount()
	if sa == nil || sa.Token.Reveal() != "tok" || sa.Annotations["example.com/role"] != "r1" {
		t.Fatalf("service account %+v", sa)
	}
	sa.Annotations["example.com/role"] = "changed"
	if req.Annotations["example.com/role"] != "r1" {
		t.Error("a backend changing the annotations changes the request")
	}
}

func TestKubeletRequestErrorIs(t *testing.T) {
	_, err := kubeletproto.ReadRequest(strings.NewReader(`{}`))
	if !errors.Is(err, kubeletproto.ErrRequest) {
		t.Errorf("err = %v, want kubeletproto.ErrRequest", err)
	}
}
