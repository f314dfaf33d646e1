package gcrtest

import (
	"net"
	"testing"

	"github.com/stretchr/testify/require"
)

// ClosedAddr returns a 127.0.0.1 host:port nothing listens on (a port
// that was just released), to point GCE_METADATA_HOST at an unreachable
// metadata server without any request leaving the machine.
func ClosedAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}
