package testkit

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// BlackHole is a TCP address on 127.0.0.1 that accepts connections and
// never answers: what an instance-metadata address (169.254.169.254) often
// is off the cloud. It counts the connections made to it; they are held
// open until the test ends.
type BlackHole struct {
	ln    net.Listener
	conns atomic.Int64
	mu    sync.Mutex
	held  []net.Conn
}

// NewBlackHole listens until the test ends.
func NewBlackHole(t testing.TB) *BlackHole {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	b := &BlackHole{ln: ln}
	go b.accept()
	t.Cleanup(b.close)
	return b
}

func (b *BlackHole) accept() {
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		b.mu.Lock()
		b.held = append(b.held, c)
		b.mu.Unlock()
		b.conns.Add(1)
	}
}

func (b *BlackHole) close() {
	_ = b.ln.Close()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.held {
		_ = c.Close()
	}
}

// Addr is the listener's host:port.
func (b *BlackHole) Addr() string { return b.ln.Addr().String() }

// Conns is how many connections it has accepted.
func (b *BlackHole) Conns() int64 { return b.conns.Load() }
