package credhelper

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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
	if err != nil || res.Credential.Secret.Reveal() != "right-pw" {
		t.Fatalf("Resolve = %+v, %v", res, err)
	}

	r.entries[1].Verify = true
	r.builders[r.entries[1].Kind()] = r.builders[r.entries[0].Kind()] // both stale now
	_, err = r.Resolve(context.Background(), target(t, addr))
	var all *AllFailedError
	if !errors.As(err, &all) || !errors.Is(err, providers.ErrDenied) || !strings.Contains(err.Error(), "rejected") {
		t.Fatalf("every credential rejected: %v", err)
	}
	if strings.Contains(err.Error(), "stale-pw") {
		t.Error("the error holds the secret")
	}
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
	if err != nil || res.Credential.Secret.Reveal() != "pw-unverified" {
		t.Fatalf("Resolve = %+v, %v", res, err)
	}
	if !strings.Contains(logs.String(), "using it unverified") || !strings.Contains(logs.String(), "registry unreachable") {
		t.Errorf("no warning:\n%s", logs.String())
	}
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
		if res, err := r.Resolve(context.Background(), target(t, addr)); err != nil || res.Credential.Secret.Reveal() != "token-pw" {
			t.Fatalf("round %d: %+v, %v", i, res, err)
		}
	}
	if n := checks.Load(); n != 1 || e.built.Load() != 1 {
		t.Errorf("registry asked %d times, backend built %d times; want once each", n, e.built.Load())
	}
}
