package openbao_test

import (
	"context"
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/openbao"
)

var bao openbao.Shared // one server for this test binary

func TestMain(m *testing.M) {
	code := m.Run()
	bao.Close()
	os.Exit(code)
}

func TestSharedServerAnswers(t *testing.T) {
	s := bao.Server(t)
	require.Same(t, s, bao.Server(t), "Server started a second shared server")
	m := s.Read(t, "", "sys/health")
	require.Equal(t, false, m["sealed"], "health = %v", m)
	require.Equal(t, true, m["initialized"], "health = %v", m)
	assert.Len(t, s.Accessors(t, ""), 1, "a fresh dev server's tokens, want 1 (root)")
}

func TestDedicatedSealsAndStops(t *testing.T) {
	s := bao.Dedicated(t)
	ctx := context.Background()
	require.NoError(t, s.Seal(ctx))
	r, err := s.Do(ctx, openbao.Request{Method: http.MethodGet, Path: "sys/health"})
	require.NoError(t, err, "sealed health")
	require.Equal(t, http.StatusServiceUnavailable, r.Status, "sealed health")
	require.NoError(t, s.Unseal(ctx))
	s.Stop()
	_, err = s.Do(ctx, openbao.Request{Method: http.MethodGet, Path: "sys/health"})
	require.Error(t, err, "a stopped server answered")
}
