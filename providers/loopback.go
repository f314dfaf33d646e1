package providers

import (
	"net/netip"
	"strings"
)

// IsLoopbackHost reports whether host (a URL's Hostname) is localhost or a
// loopback IP: the one place plain http may carry a credential. It is
// net.ParseIP(h).IsLoopback() without importing net, which would link cgo
// and the resolver into the front binary; net.ParseIP takes no zone, so
// neither does this.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Zone() == "" && ip.IsLoopback()
}
