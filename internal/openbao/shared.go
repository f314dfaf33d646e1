package openbao

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Shared is one test binary's server, started by the first test that asks
// and stopped by Close (from TestMain, after m.Run). Its zero value is ready.
type Shared struct {
	binOnce sync.Once
	dir     string
	bin     string
	binErr  error

	srvOnce sync.Once
	srv     *Server
	srvErr  error

	mu        sync.Mutex
	dedicated []*Server
}

// Server returns the shared server. Tests must not seal or stop it, and
// should make their own mounts, policies and roles under names of their own.
func (s *Shared) Server(t testing.TB) *Server {
	t.Helper()
	bin := s.binary(t)
	s.srvOnce.Do(func() {
		s.srv, s.srvErr = Start(context.Background(), bin, filepath.Join(s.dir, "shared"))
	})
	require.NoError(t, s.srvErr, "openbao")
	return s.srv
}

// Dedicated starts a server of the test's own (to seal or stop it), stopped
// when the test ends.
func (s *Shared) Dedicated(t testing.TB) *Server {
	t.Helper()
	bin := s.binary(t)
	dir, err := os.MkdirTemp(s.dir, "dedicated-")
	require.NoError(t, err)
	srv, err := Start(context.Background(), bin, dir)
	require.NoError(t, err, "openbao")
	s.mu.Lock()
	s.dedicated = append(s.dedicated, srv)
	s.mu.Unlock()
	t.Cleanup(srv.Stop)
	return srv
}

// binary decompresses the server once; without it the test is skipped, or
// fails when CI=true.
func (s *Shared) binary(t testing.TB) string {
	t.Helper()
	s.binOnce.Do(func() {
		if s.dir, s.binErr = os.MkdirTemp("", "regcred-openbao-"); s.binErr == nil {
			s.bin, s.binErr = Binary(s.dir)
		}
	})
	if s.binErr != nil {
		if errors.Is(s.binErr, errMissing) && os.Getenv("CI") != "true" {
			t.Skipf("openbao: %v", s.binErr)
		}
		require.NoError(t, s.binErr, "openbao")
	}
	return s.bin
}

// Close stops every server it started and removes the binary.
func (s *Shared) Close() {
	if s.srv != nil {
		s.srv.Stop()
	}
	s.mu.Lock()
	for _, d := range s.dedicated {
		d.Stop()
	}
	s.mu.Unlock()
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}
