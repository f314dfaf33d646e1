package verify

import (
	"net/http"
	"reflect"
	"testing"
)

func TestParseChallenges(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		want    []challenge
	}{
		{name: "docker hub", headers: []string{`Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"`},
			want: []challenge{{scheme: "bearer", params: map[string]string{"realm": "https://auth.docker.io/token", "service": "registry.docker.io", "scope": "repository:library/nginx:pull"}}}},
		{name: "basic", headers: []string{`Basic realm="Registry Realm"`},
			want: []challenge{{scheme: "basic", params: map[string]string{"realm": "Registry Realm"}}}},
		{name: "two in one header", headers: []string{`Basic realm="a, b", Bearer realm="https://x/token", service=svc`},
			want: []challenge{
				{scheme: "basic", params: map[string]string{"realm": "a, b"}},
				{scheme: "bearer", params: map[string]string{"realm": "https://x/token", "service": "svc"}}}},
		{name: "two headers, escapes, case", headers: []string{`NEGOTIATE`, `bearer Realm="https://x/t\"q\"" , Error="insufficient_scope"`},
			want: []challenge{
				{scheme: "negotiate", params: map[string]string{}},
				{scheme: "bearer", params: map[string]string{"realm": `https://x/t"q"`, "error": "insufficient_scope"}}}},
		{name: "unterminated quote", headers: []string{`Bearer realm="https://x`},
			want: []challenge{{scheme: "bearer", params: map[string]string{"realm": "https://x"}}}},
		{name: "garbage", headers: []string{`=== "x"`}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.headers {
				h.Add("WWW-Authenticate", v)
			}
			got := parseChallenges(h)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestPickPrefersBearer(t *testing.T) {
	c, ok := pick([]challenge{{scheme: "basic"}, {scheme: "bearer"}})
	if !ok || c.scheme != "bearer" {
		t.Errorf("picked %q", c.scheme)
	}
	if _, ok := pick([]challenge{{scheme: "negotiate"}}); ok {
		t.Error("picked an unsupported scheme")
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1:5000": true, "127.9.9.9": true, "localhost:5000": true, "LOCALHOST": true,
		"[::1]:5000": true, "::1": true, "10.0.0.1:5000": false, "registry.example.com": false,
		"localhost.example.com": false, "127.0.0.1.nip.io": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}
