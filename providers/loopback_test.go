package providers

import (
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// FuzzLoopbackAsNet: IsLoopbackHost replaced net.ParseIP(h).IsLoopback() and
// must agree with it on every host.
func FuzzLoopbackAsNet(f *testing.F) {
	for _, h := range []string{"127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1", "::1%lo", "fe80::1%eth0",
		"0:0:0:0:0:0:0:1", "::127.0.0.1", "0127.0.0.1", "10.0.0.7", "localhost", "", "[::1]"} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if strings.EqualFold(h, "localhost") {
			return
		}
		ip := net.ParseIP(h)
		assert.Equal(t, ip != nil && ip.IsLoopback(), IsLoopbackHost(h), "IsLoopbackHost(%q) against net", h)
	})
}
