package verify

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
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
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestPickPrefersBearer(t *testing.T) {
	c, ok := pick([]challenge{{scheme: "basic"}, {scheme: "bearer"}})
	assert.True(t, ok, "picked nothing")
	assert.Equal(t, "bearer", c.scheme, "picked")
	_, ok = pick([]challenge{{scheme: "negotiate"}})
	assert.False(t, ok, "picked an unsupported scheme")
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1:5000": true, "127.9.9.9": true, "localhost:5000": true, "LOCALHOST": true,
		"[::1]:5000": true, "::1": true, "10.0.0.1:5000": false, "registry.example.com": false,
		"localhost.example.com": false, "127.0.0.1.nip.io": false,
	} {
		assert.Equal(t, want, isLoopback(host), "isLoopback(%q)", host)
	}
}
