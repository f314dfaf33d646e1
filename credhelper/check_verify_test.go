package credhelper

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
)

// basicAuthRegistry answers /v2/ like a registry with Basic auth that
// accepts one password, counting the requests that carry a credential.
func basicAuthRegistry(t *testing.T, password string) (string, *atomic.Int32) {
	t.Helper()
	var checks atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, p, ok := r.BasicAuth()
		if ok {
			checks.Add(1)
		}
		if !ok || p != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), &checks
}

func answerSecret(user, secret string, exp time.Time) providers.ProviderFunc {
	return func(context.Context, providers.Request) (providers.Credential, error) {
		return providers.Credential{Username: user, Secret: providers.Secret(secret), ExpiresAt: exp}, nil
	}
}

func TestVerifyMovesOnFromARejectedCredential(t *testing.T) {
	addr, _ := basicAuthRegistry(t, "right-pw")
	stale := &fakeEntry{pattern: addr, fn: answerSecret("u", "stale-pw", time.Time{})}
	good := &fakeEntry{pattern: addr, fn: answerSecret("u", "right-pw", time.Time{})}
	r := fakeResolver(t, stale, good)
	r.entries[0].Verify = true
	r.deps.HTTPClient = &http.Client{Timeout: 5 * time.Second}

	res, err := r.Resolve(context.Background(), target(t, addr))
	require.NoError(t, err, "Resolve = %+v,", res)
	require.Equal(t, "right-pw", res.Credential.Secret.Reveal(), "Resolve = %+v, %v", res, err)

	r.entries[1].Verify = true
	r.builders[r.entries[1].Kind()] = r.builders[r.entries[0].Kind()] // both stale now
	_, err = r.Resolve(context.Background(), target(t, addr))
	var all *AllFailedError
	require.ErrorAs(t, err, &all, "every credential rejected")
	require.ErrorIs(t, err, providers.ErrDenied, "every credential rejected")
	require.Contains(t, err.Error(), "rejected", "every credential rejected: %v", err)
	assert.NotContains(t, err.Error(), "stale-pw", "the error holds the secret")
}

func TestVerifyUnreachableRegistryUsesTheCredential(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.Listener.Addr().String()
	srv.Close()
	e := &fakeEntry{pattern: addr, fn: answerSecret("u", "pw-unverified", time.Time{})}
	r := fakeResolver(t, e)
	r.entries[0].Verify = true
	var logs bytes.Buffer
	r.log = slog.New(slog.NewTextHandler(&logs, nil))
	res, err := r.Resolve(context.Background(), target(t, addr))
	require.NoError(t, err, "Resolve = %+v,", res)
	require.Equal(t, "pw-unverified", res.Credential.Secret.Reveal(), "Resolve = %+v, %v", res, err)
	assert.Contains(t, logs.String(), "using it unverified", "no warning")
	assert.Contains(t, logs.String(), "registry unreachable", "no warning")
}

// TestVerifiedCredentialIsCached: a token proven once is served from the
// cache without asking the registry again.
func TestVerifiedCredentialIsCached(t *testing.T) {
	addr, checks := basicAuthRegistry(t, "token-pw")
	e := &fakeEntry{pattern: addr, fn: answerSecret("AWS", "token-pw", time.Now().Add(time.Hour)), cached: true}
	r := fakeResolver(t, e)
	r.entries[0].Verify = true
	r.cache, _ = fileCache(t)
	for i := range 3 {
		res, err := r.Resolve(context.Background(), target(t, addr))
		require.NoError(t, err, "round %d: %+v,", i, res)
		require.Equal(t, "token-pw", res.Credential.Secret.Reveal(), "round %d: %+v, %v", i, res, err)
	}
	assert.EqualValues(t, 1, checks.Load(), "registry asked more than once")
	assert.EqualValues(t, 1, e.built.Load(), "backend built more than once")
}
