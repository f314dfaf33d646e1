package verify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/verify"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

func decodeJSON(resp *http.Response, v any) error {
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// dialTo is a client that sends every connection to addr (a 127.0.0.1
// test server) whatever host the URL names, so a check of
// "registry.example.test" can be observed without leaving the machine.
// It records the hosts asked for.
type dialTo struct {
	addr  string
	mu    sync.Mutex
	hosts []string
}

func (d *dialTo) client(tlsSrv *httptest.Server) *http.Client {
	tr := &http.Transport{DialContext: func(ctx context.Context, network, hostport string) (net.Conn, error) {
		d.mu.Lock()
		d.hosts = append(d.hosts, hostport)
		d.mu.Unlock()
		return (&net.Dialer{}).DialContext(ctx, network, d.addr)
	}}
	if tlsSrv != nil {
		tr.TLSClientConfig = tlsSrv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
		tr.TLSClientConfig.InsecureSkipVerify = true // the test certificate names 127.0.0.1 only
	}
	return &http.Client{Transport: tr, Timeout: 5 * time.Second}
}

const secret = "s3cr3t-Pa55word"

// basicRegistry answers /v2/ like a registry with Basic auth for one user,
// echoing what it was sent in its error messages (a careless server),
// so the tests can prove the echo never reaches a Result.
func basicRegistry(user string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != user || p != secret {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials %s %s"}]}`, p, r.Header.Get("Authorization"))
			return
		}
		switch r.URL.Path {
		case "/v2/":
			w.WriteHeader(http.StatusOK)
		case "/v2/team/app/tags/list":
			fmt.Fprint(w, `{"name":"team/app","tags":["1"]}`)
		case "/v2/team/secret/tags/list":
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}`)
		}
	}
}

func TestFakeRegistries(t *testing.T) {
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		tls        bool
		registry   string // "" means the server's 127.0.0.1 address
		repo       string
		user       string
		allowHTTP  bool
		want       verify.Status
		wantIn     string // in Detail
		wantScheme string
	}{
		{name: "basic accepted over https", handler: basicRegistry("u"), tls: true, user: "u", want: verify.Accepted, wantScheme: "https"},
		{name: "basic rejected, echo withheld", handler: basicRegistry("u"), tls: true, user: "other", want: verify.Rejected, wantIn: "HTTP 401 (UNAUTHORIZED: [withheld: it contains the credential])", wantScheme: "https"},
		{name: "basic repository forbidden", handler: basicRegistry("u"), tls: true, user: "u", repo: "team/secret", want: verify.NotReadable, wantIn: "DENIED", wantScheme: "https"},
		{name: "basic repository readable", handler: basicRegistry("u"), tls: true, user: "u", repo: "team/app", want: verify.Accepted, wantScheme: "https"},
		{name: "plain http on loopback", handler: basicRegistry("u"), user: "u", want: verify.Accepted, wantScheme: "http"},
		{name: "plain http elsewhere refused", handler: basicRegistry("u"), registry: "registry.example.test", user: "u", want: verify.Unverifiable, wantIn: "plain http"},
		{name: "plain http elsewhere when allowed", handler: basicRegistry("u"), registry: "registry.example.test", user: "u", allowHTTP: true, want: verify.Accepted, wantScheme: "http"},
		{name: "open registry", handler: func(w http.ResponseWriter, r *http.Request) {}, tls: true, user: "u", want: verify.Accepted, wantIn: "no credentials", wantScheme: "https"},
		{name: "not a registry", handler: http.NotFound, tls: true, user: "u", want: verify.Unverifiable, wantIn: "HTTP 404", wantScheme: "https"},
		{name: "server error", handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) }, tls: true, user: "u", want: verify.Unreachable, wantIn: "502", wantScheme: "https"},
		{name: "throttled", handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTooManyRequests) }, tls: true, user: "u", want: verify.Unreachable, wantIn: "429", wantScheme: "https"},
		{name: "unknown scheme", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Negotiate`)
			w.WriteHeader(http.StatusUnauthorized)
		}, tls: true, user: "u", want: verify.Unverifiable, wantIn: "negotiate", wantScheme: "https"},
		{name: "plain-http realm elsewhere refused", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="http://auth.example.test/token",service="reg"`)
			w.WriteHeader(http.StatusUnauthorized)
		}, tls: true, user: "u", want: verify.Unverifiable, wantIn: "plain http", wantScheme: "https"},
		{name: "metadata-service realm refused", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="https://169.254.169.254/token"`)
			w.WriteHeader(http.StatusUnauthorized)
		}, tls: true, user: "u", want: verify.Unverifiable, wantIn: "link-local", wantScheme: "https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var srv *httptest.Server
			if tt.tls {
				srv = httptest.NewTLSServer(tt.handler)
			} else {
				srv = httptest.NewServer(tt.handler)
			}
			defer srv.Close()
			d := &dialTo{addr: srv.Listener.Addr().String()}
			var tlsSrv *httptest.Server
			if tt.tls {
				tlsSrv = srv
			}
			registry := tt.registry
			if registry == "" {
				registry = srv.Listener.Addr().String()
			}
			res := verify.Checker{Client: d.client(tlsSrv), AllowHTTP: tt.allowHTTP}.Check(context.Background(),
				verify.Request{Registry: registry, Repository: tt.repo, Username: tt.user, Secret: secret})
			require.Equal(t, tt.want, res.Status, "status (detail %q)", res.Detail)
			assert.Contains(t, strings.ToLower(res.Detail), strings.ToLower(tt.wantIn), "detail does not mention it")
			if tt.wantScheme != "" {
				assert.True(t, strings.HasPrefix(res.Endpoint, tt.wantScheme+"://"), "endpoint %q, want %s", res.Endpoint, tt.wantScheme)
			}
			out, _ := json.Marshal(res)
			for _, text := range []string{string(out), errText(res.Err()), fmt.Sprintf("%+v", res)} {
				// "czNjcjN0" is the base64 of the secret's start.
				testkit.AssertNoSecret(t, "the result", text, secret, "czNjcjN0")
			}
		})
	}
}

// TestPlainHTTPNeverCarriesTheSecretElsewhere: a non-loopback registry that
// speaks plain http is never sent the credential, only the https attempt.
func TestPlainHTTPNeverCarriesTheSecretElsewhere(t *testing.T) {
	var sawAuth bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			sawAuth = true
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	d := &dialTo{addr: srv.Listener.Addr().String()}
	res := verify.Checker{Client: d.client(nil)}.Check(context.Background(),
		verify.Request{Registry: "registry.example.test", Username: "u", Secret: secret})
	require.Equal(t, verify.Unverifiable, res.Status, "status")
	require.False(t, sawAuth, "credential sent over plain http")
}

// TestDockerHubEndpoint: docker.io is checked at registry-1.docker.io.
func TestDockerHubEndpoint(t *testing.T) {
	srv := httptest.NewTLSServer(basicRegistry("u"))
	defer srv.Close()
	d := &dialTo{addr: srv.Listener.Addr().String()}
	res := verify.Checker{Client: d.client(srv)}.Check(context.Background(),
		verify.Request{Registry: "docker.io", Username: "u", Secret: secret})
	require.Equal(t, verify.Accepted, res.Status, "result %+v", res)
	require.Equal(t, "https://registry-1.docker.io", res.Endpoint, "result %+v", res)
	if assert.NotEmpty(t, d.hosts, "dialled nothing") {
		assert.Equal(t, "registry-1.docker.io:443", d.hosts[0], "dialled %v", d.hosts)
	}
}

// TestBearerFlow checks the token request a Bearer challenge leads to.
func TestBearerFlow(t *testing.T) {
	var gotQuery string
	mux := http.NewServeMux()
	var base string
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		gotQuery = r.URL.RawQuery
		if u, p, _ := r.BasicAuth(); u != "u" || p != secret {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"details":"bad password %s"}`, p)
			return
		}
		fmt.Fprint(w, `{"token":"tok-1"}`)
	})
	mux.HandleFunc("/v2/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok-1" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="`+base+`/token",service="svc.example",scope="registry:catalog:*"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.URL.Path == "/v2/team/app/tags/list" || r.URL.Path == "/v2/" {
			fmt.Fprint(w, `{}`)
			return
		}
		w.WriteHeader(http.StatusNotFound)
	})
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()
	base = srv.URL
	c := verify.Checker{Client: srv.Client()}
	reg := srv.Listener.Addr().String()

	res := c.Check(context.Background(), verify.Request{Registry: reg, Repository: "team/app", Username: "u", Secret: secret})
	require.Equal(t, verify.Accepted, res.Status, "%+v", res)
	assert.Equal(t, "account=u&scope=repository%3Ateam%2Fapp%3Apull&service=svc.example", gotQuery, "token query")
	res = c.Check(context.Background(), verify.Request{Registry: reg, Username: "u", Secret: secret})
	assert.Equal(t, verify.Accepted, res.Status, "without a repository: %+v", res)
	assert.Contains(t, gotQuery, "scope=registry%3Acatalog%3A%2A", "without a repository the challenge's scope is asked")
	res = c.Check(context.Background(), verify.Request{Registry: reg, Username: "u", Secret: "wrong-" + secret})
	assert.Equal(t, verify.Rejected, res.Status, "wrong password: %+v", res)
	testkit.AssertNoSecret(t, "wrong password's detail", res.Detail, secret)
	assert.Contains(t, res.Detail, "refused the credential: HTTP 401 ([withheld", "wrong password")
}

func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close()
	res := checker().Check(context.Background(), verify.Request{Registry: addr, Username: "u", Secret: secret})
	require.Equal(t, verify.Unreachable, res.Status, "%+v", res)
	require.ErrorIs(t, res.Err(), providers.ErrUnavailable, "%+v", res)
}

func TestBadRequests(t *testing.T) {
	for _, tt := range []struct{ name, registry, repo string }{
		{"empty registry", "", ""},
		{"registry with a path", "reg.example.com/x", ""},
		{"registry with a scheme", "https://reg.example.com", ""},
		{"dot-dot repository", "reg.example.com", "team/../x"},
		{"upper-case repository", "reg.example.com", "Team/app"},
		{"query in repository", "reg.example.com", "team/app?x"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := checker().Check(context.Background(), verify.Request{Registry: tt.registry, Repository: tt.repo, Username: "u", Secret: secret})
			require.Equal(t, verify.Unverifiable, res.Status, "%+v", res)
			require.ErrorIs(t, res.Err(), providers.ErrInvalid, "%+v", res)
		})
	}
}
