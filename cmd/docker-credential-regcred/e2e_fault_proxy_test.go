package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// mangle is what a faultProxy does to the answers it passes on.
type mangle int

const (
	// passThrough forwards the upstream answer unchanged.
	passThrough mangle = iota
	// malformed answers 200 with the first half of the upstream body and
	// bytes that are not JSON: a proxy or a broken backend cut it short and
	// appended an error page.
	malformed
	// truncated declares the full Content-Length, sends half the body and
	// drops the connection.
	truncated
	// wrongShape answers 200 with well-formed JSON that holds nothing the
	// client asked for.
	wrongShape
	// serverError answers 500 after the upstream has authenticated the call.
	serverError
	// delayed forwards the answer unchanged, after a pause.
	delayed
)

// faultProxy sits between the helper and a fake that authenticates every
// request (SigV4, the OCI signature, a Vault token). It forwards each
// request with its Host header intact, so signatures still verify, and
// spoils the answer of requests whose path contains only. The upstream
// therefore still judges every request: the helper is tested on a broken
// answer to a request the real service would have honoured.
type faultProxy struct {
	URL      string
	upstream string
	only     string
	mode     mangle
	delay    time.Duration

	mu       sync.Mutex
	secrets  []string
	spoiled  int
	answered time.Time
}

// newFaultProxy starts the proxy on 127.0.0.1 in front of upstream
// (scheme://host:port); it stops when the test ends.
func newFaultProxy(t *testing.T, upstream, only string, mode mangle) *faultProxy {
	t.Helper()
	p := &faultProxy{upstream: upstream, only: only, mode: mode, delay: 2 * time.Second}
	srv := httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

func (p *faultProxy) serve(w http.ResponseWriter, r *http.Request) {
	status, header, body, err := p.forward(r)
	if err != nil {
		http.Error(w, "fault proxy: upstream: "+err.Error(), http.StatusBadGateway)
		return
	}
	if !strings.Contains(r.URL.Path, p.only) || status != http.StatusOK {
		p.write(w, status, header, body)
		return
	}
	p.record(body)
	switch p.mode {
	case malformed:
		p.write(w, status, header, append(body[:len(body)/2:len(body)/2], "\x00<html>502 Bad Gateway"...))
	case truncated:
		header.Set("Content-Length", strconv.Itoa(len(body)))
		copyHeader(w.Header(), header)
		w.WriteHeader(status)
		_, _ = w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // drops the connection mid-body, silently
	case wrongShape:
		p.write(w, status, header, []byte(`{"unexpected":{"shape":true},"data":null}`))
	case serverError:
		p.write(w, http.StatusInternalServerError, header, []byte(`{"errors":["internal error"],"message":"Internal Server Error"}`))
	case delayed:
		select {
		case <-time.After(p.delay):
		case <-r.Context().Done():
		}
		p.mu.Lock()
		if p.answered.IsZero() {
			p.answered = time.Now()
		}
		p.mu.Unlock()
		p.write(w, status, header, body)
	default:
		p.write(w, status, header, body)
	}
}

// forward sends r upstream as the helper sent it.
func (p *faultProxy) forward(r *http.Request) (int, http.Header, []byte, error) {
	in, err := io.ReadAll(r.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.upstream+r.URL.RequestURI(), bytes.NewReader(in))
	if err != nil {
		return 0, nil, nil, err
	}
	copyHeader(out.Header, r.Header)
	out.Host = r.Host
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Clone(), body, err
}

func (p *faultProxy) write(w http.ResponseWriter, status int, header http.Header, body []byte) {
	header.Set("Content-Length", strconv.Itoa(len(body)))
	copyHeader(w.Header(), header)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// record keeps the secret-bearing values of an answer the proxy spoiled, so
// the test can check that no part of them reached the helper's output.
func (p *faultProxy) record(body []byte) {
	var v any
	_ = json.Unmarshal(body, &v)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.spoiled++
	collectSecrets(v, &p.secrets)
}

// Spoiled counts the answers spoiled; Secrets are the secret values they
// held.
func (p *faultProxy) Spoiled() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.spoiled
}

// Answered is when the first delayed answer was sent (zero: none yet).
func (p *faultProxy) Answered() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.answered
}

func (p *faultProxy) Secrets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.secrets...)
}

// isSecretField: the backends answer secrets under these JSON keys.
func isSecretField(k string) bool {
	switch k {
	case "authorizationToken", "access_token", "password", "content", "client_token":
		return true
	}
	return false
}

func collectSecrets(v any, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && isSecretField(k) && s != "" {
				*out = append(*out, s)
			}
			collectSecrets(x, out)
		}
	case []any:
		for _, x := range v {
			collectSecrets(x, out)
		}
	}
}

func copyHeader(dst, src http.Header) {
	for k, vs := range src {
		dst[k] = append([]string(nil), vs...)
	}
}

// hangServer accepts requests and never answers them: a backend that is up
// but stuck. It lets go of them when the test ends.
func hangServer(t *testing.T) string {
	t.Helper()
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) }) // runs first: Close waits for handlers
	return srv.URL
}

// closedURL is an http URL on 127.0.0.1 where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}
