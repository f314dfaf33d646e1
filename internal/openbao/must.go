package openbao

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Must sends r with the root token (unless r has one) and fails the test
// unless the answer is 2xx; it returns the decoded body (nil for 204).
func (s *Server) Must(t testing.TB, r Request) map[string]any {
	t.Helper()
	if r.Token == "" {
		r.Token = s.RootToken
	}
	resp, err := s.Do(context.Background(), r)
	require.NoError(t, err, "openbao %s %s", r.Method, r.Path)
	require.Equal(t, 2, resp.Status/100, "openbao %s %s: %d %s", r.Method, r.Path, resp.Status, resp.Body)
	if resp.Status == http.StatusNoContent || len(resp.Body) == 0 {
		return nil
	}
	m, err := resp.JSON()
	require.NoError(t, err, "openbao %s %s", r.Method, r.Path)
	return m
}

// Write is Must with POST and a body, in namespace ns ("" for the root).
func (s *Server) Write(t testing.TB, ns, path string, body map[string]any) map[string]any {
	t.Helper()
	return s.Must(t, Request{Method: http.MethodPost, Path: path, Namespace: ns, Body: body})
}

// Read is Must with GET, in namespace ns.
func (s *Server) Read(t testing.TB, ns, path string) map[string]any {
	t.Helper()
	return s.Must(t, Request{Method: http.MethodGet, Path: path, Namespace: ns})
}

// Data is the "data" object of an answer.
func Data(m map[string]any) map[string]any {
	d, _ := m["data"].(map[string]any)
	return d
}

// Accessors lists the server's token accessors in namespace ns (one per
// live token), as `bao list auth/token/accessors` does.
func (s *Server) Accessors(t testing.TB, ns string) []string {
	t.Helper()
	m := s.Must(t, Request{Method: "LIST", Path: "auth/token/accessors", Namespace: ns})
	keys, _ := Data(m)["keys"].([]any)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if s, ok := k.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// MountKV mounts a KV secrets engine of version at path and, for KV v2,
// waits until it serves: OpenBao upgrades a new v2 mount in the background
// and answers "Upgrading from non-versioned to versioned data" until then.
func (s *Server) MountKV(t testing.TB, ns, path string, version int) {
	t.Helper()
	s.Write(t, ns, "sys/mounts/"+path, map[string]any{"type": "kv", "options": map[string]any{"version": strconv.Itoa(version)}})
	if version != 2 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		r, err := s.Do(ctx, Request{Method: http.MethodGet, Path: path + "/config", Token: s.RootToken, Namespace: ns})
		if err == nil && r.Status == http.StatusOK {
			return
		}
		select {
		case <-ctx.Done():
			require.Failf(t, "KV v2 mount not ready", "KV v2 mount %s never became ready: %v (last status %d)", path, err, r.Status)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
