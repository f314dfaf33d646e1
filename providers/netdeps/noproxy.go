package netdeps

import "net/http"

// WithoutProxy returns c with a transport that never uses a proxy: an
// instance metadata address is link-local and only answers from the
// machine itself, so HTTP(S)_PROXY must not carry a request there. A
// client whose transport is not an *http.Transport is returned as it is.
func WithoutProxy(c *http.Client) *http.Client {
	t := c.Transport
	if t == nil {
		t = http.DefaultTransport
	}
	tr, ok := t.(*http.Transport)
	if !ok {
		return c
	}
	tr = tr.Clone()
	tr.Proxy = nil
	cc := *c
	cc.Transport = tr
	return &cc
}
