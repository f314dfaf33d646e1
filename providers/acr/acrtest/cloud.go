package acrtest

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Cloud is one fake Azure: an Entra ID, an IMDS and the registries, with
// the CA their certificates chain to.
type Cloud struct {
	Entra *Entra
	IMDS  *IMDS
	ca    *authority

	mu         sync.Mutex
	registries []*Registry
	now        func() time.Time
}

// New starts Entra and IMDS on 127.0.0.1 until the test ends.
func New(t testing.TB) *Cloud {
	t.Helper()
	c := &Cloud{ca: newAuthority(t), now: time.Now}
	c.Entra = newEntra(t, c)
	c.IMDS = newIMDS(t, c)
	return c
}

// SetClock sets the fakes' clock: what "expired" means to them.
func (c *Cloud) SetClock(now func() time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
}

func (c *Cloud) clock() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now()
}

// CAFile writes the CA certificate to dir, for a process that trusts it
// through SSL_CERT_FILE.
func (c *Cloud) CAFile(t testing.TB, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "acrtest-ca.pem")
	require.NoError(t, os.WriteFile(path, c.ca.caPEM, 0o600))
	return path
}

// startTLS serves h on 127.0.0.1 with the CA's certificate.
func (c *Cloud) startTLS(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewUnstartedServer(h)
	s.TLS = &tls.Config{Certificates: []tls.Certificate{c.ca.server}, MinVersion: tls.VersionTLS12}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// Client is an HTTP client that trusts the CA and dials Entra's public
// hosts (login.microsoftonline.com, …), every ACR login server this cloud
// runs and 169.254.169.254 to the fakes. Other hosts are dialed as they
// are: a test's loopback servers still answer, and anything else fails.
func (c *Cloud) Client() *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		Proxy:           nil,
		TLSClientConfig: &tls.Config{RootCAs: c.ca.pool, MinVersion: tls.VersionTLS12},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, c.route(addr))
		},
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// route maps a public address to the fake that plays it.
func (c *Cloud) route(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	switch {
	case addr == imdsAddr:
		return c.IMDS.route()
	case port == "443" && strings.HasPrefix(host, "login."):
		return c.Entra.addr()
	case port == "443":
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, r := range c.registries {
			if strings.EqualFold(r.Host, host) {
				return r.addr()
			}
		}
	}
	return addr
}

func hostOf(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	h, _, _ := strings.Cut(u, "/")
	return h
}
