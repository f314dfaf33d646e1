package credhelper

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/config"
)

func TestBuiltinEntries(t *testing.T) {
	tests := []struct {
		name, request string
		wantKinds     []string
	}{
		{name: "private ECR, no fallback", request: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app", wantKinds: []string{"ecr"}},
		{name: "ECR Public falls back to anonymous", request: "public.ecr.aws/nginx/nginx:1", wantKinds: []string{"ecr", "anonymous"}},
		{name: "GCR falls back to anonymous", request: "gcr.io/distroless/static", wantKinds: []string{"gcr", "anonymous"}},
		{name: "Artifact Registry", request: "europe-west4-docker.pkg.dev/p/r/i", wantKinds: []string{"gcr", "anonymous"}},
		{name: "look-alike of GCR", request: "gcr.io.evil.example/x"},
		{name: "look-alike of ECR", request: "123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example/x"},
		{name: "unrelated", request: "quay.io/prometheus/node-exporter"},
	}
	r := NewResolver(&config.Config{}, newTestApp(t, "", nil).app.Deps, nil, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var kinds []string
			for _, e := range r.Match(target(t, tt.request)) {
				kinds = append(kinds, e.Kind())
			}
			require.Len(t, kinds, len(tt.wantKinds), "kinds %v, want %v", kinds, tt.wantKinds)
			for i := range kinds {
				assert.Equal(t, tt.wantKinds[i], kinds[i], "kinds %v, want %v", kinds, tt.wantKinds)
			}
		})
	}
	off := false
	n := len(NewResolver(&config.Config{Defaults: &off}, newTestApp(t, "", nil).app.Deps, nil, nil).Entries())
	assert.Equal(t, 0, n, "defaults: false left %d built-in entries", n)
}

// TestBuiltinPublicPullWithoutIdentity: with no cloud identity at all, a
// public GCR image is "not found" (pull anonymously), not an error.
func TestBuiltinPublicPullWithoutIdentity(t *testing.T) {
	ta := newTestApp(t, "", nil)
	r := NewResolver(&config.Config{}, ta.app.Deps, nil, nil)
	_, err := r.Resolve(context.Background(), target(t, "gcr.io/distroless/static"))
	require.ErrorIs(t, err, ErrNotFound, "err = %v, want ErrNotFound so the client pulls anonymously", err)
}
