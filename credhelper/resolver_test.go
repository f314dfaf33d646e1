package credhelper

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/kind"
	"github.com/regcred/regcred/providers/netdeps"
)

// fakeEntry is an entry whose backend is a function, with a count of how
// often the backend was built, to prove which entries were touched.
type fakeEntry struct {
	pattern string
	fn      providers.ProviderFunc
	cached  bool // through the token cache, like ecr
	// pod: the entry logs in with the pod's service-account token (as
	// vault's kubernetes login or ecr's roleArnAnnotation); anyPod: it
	// answers as the node and opted in with answersAnyPod.
	pod, anyPod bool
	built       atomic.Int32
}

func fakeResolver(t *testing.T, fakes ...*fakeEntry) *Resolver {
	t.Helper()
	r := &Resolver{log: slog.New(slog.NewTextHandler(io.Discard, nil)), timeout: time.Second,
		deps:     netdeps.Deps{Deps: providers.Deps{LookupEnv: func(string) (string, bool) { return "", false }}},
		builders: map[string]builder{}}
	for i, f := range fakes {
		k := kind.New(kind.Spec[fakeSettings, providers.Provider]{Name: fmt.Sprintf("fake-%d", i), Cached: f.cached})
		e, err := config.NewEntry(f.pattern, k, &fakeSettings{Pattern: f.pattern, Pod: f.pod}, fmt.Sprintf("test.yaml:%d", i+1))
		require.NoError(t, err)
		e.AnswersAnyPod = f.anyPod
		r.builders[k.Name()] = func(*config.Entry, netdeps.Deps) (providers.Provider, error) {
			f.built.Add(1)
			return f.fn, nil
		}
		r.entries = append(r.entries, e)
		r.patterns = append(r.patterns, e.Pattern())
	}
	return r
}

// fakeSettings are a fake entry's settings, a providers.PodIdentity.
type fakeSettings struct {
	Pattern string
	Pod     bool
}

func (s fakeSettings) UsesPodIdentity() bool    { return s.Pod }
func (s fakeSettings) PodAnnotations() []string { return nil }
func (fakeSettings) Validate() error            { return nil }

func answer(user string) providers.ProviderFunc {
	return func(context.Context, providers.Request) (providers.Credential, error) {
		return providers.Credential{Username: user, Secret: "secret-of-" + providers.Secret(user)}, nil
	}
}

func failWith(err error) providers.ProviderFunc {
	return func(context.Context, providers.Request) (providers.Credential, error) {
		return providers.Credential{}, err
	}
}

func target(t *testing.T, s string) matcher.Target {
	t.Helper()
	tg, err := matcher.Normalize(s)
	require.NoError(t, err)
	return tg
}

func TestResolveOrderedFallback(t *testing.T) {
	host := &fakeEntry{pattern: "reg.example.com", fn: answer("host-level")}
	team := &fakeEntry{pattern: "reg.example.com/team", fn: failWith(fmt.Errorf("secret file /x: %w", providers.ErrNotFound))}
	app := &fakeEntry{pattern: "reg.example.com/team/app", fn: failWith(fmt.Errorf("vault sealed: %w", providers.ErrUnavailable))}
	r := fakeResolver(t, host, team, app)

	res, err := r.Resolve(context.Background(), target(t, "reg.example.com/team/app:1.0"))
	require.NoError(t, err)
	assert.Equal(t, "host-level", res.Credential.Username, "want the host-level entry after both path entries failed")
	for _, f := range []*fakeEntry{host, team, app} {
		assert.Equal(t, int32(1), f.built.Load(), "%s built times", f.pattern)
	}
}

func TestResolveFirstSuccessWins(t *testing.T) {
	first := &fakeEntry{pattern: "reg.example.com/team", fn: answer("team")}
	second := &fakeEntry{pattern: "reg.example.com", fn: answer("host")}
	r := fakeResolver(t, second, first)
	res, err := r.Resolve(context.Background(), target(t, "reg.example.com/team/x"))
	require.NoError(t, err)
	require.Equal(t, "team", res.Credential.Username, "want the path entry: %+v", res)
	assert.Zero(t, second.built.Load(), "the less specific entry was built although the first succeeded")
}

func TestResolveNoMatchTouchesNoBackend(t *testing.T) {
	e := &fakeEntry{pattern: "reg.example.com", fn: answer("x")}
	r := fakeResolver(t, e)
	_, err := r.Resolve(context.Background(), target(t, "other.example.com"))
	require.ErrorIs(t, err, ErrNotFound)
	assert.Zero(t, e.built.Load(), "a backend was built for a request no entry matches")
}

func TestResolveAnonymousEndsSearch(t *testing.T) {
	anon := &fakeEntry{pattern: "mcr.microsoft.com", fn: func(context.Context, providers.Request) (providers.Credential, error) {
		return providers.Credential{Anonymous: true}, nil
	}}
	glob := &fakeEntry{pattern: "*.microsoft.com", fn: answer("should-not-be-sent")}
	r := fakeResolver(t, glob, anon)
	_, err := r.Resolve(context.Background(), target(t, "mcr.microsoft.com"))
	require.ErrorIs(t, err, ErrNotFound)
	assert.Zero(t, glob.built.Load(), "an entry after `anonymous` was tried")
}

func TestResolveAllFailedNamesEveryEntry(t *testing.T) {
	const secret = "hunter2-do-not-print"
	a := &fakeEntry{pattern: "reg.example.com/team", fn: failWith(fmt.Errorf("file /run/secrets/team: %w", providers.ErrNotFound))}
	b := &fakeEntry{pattern: "reg.example.com", fn: failWith(fmt.Errorf("vault at https://vault:8200: %w", providers.ErrUnavailable))}
	c := &fakeEntry{pattern: "*.example.com", fn: func(context.Context, providers.Request) (providers.Credential, error) {
		return providers.Credential{}, nil // empty answer: a backend bug must not pass as a credential
	}}
	r := fakeResolver(t, a, b, c)
	_, err := r.Resolve(context.Background(), target(t, "reg.example.com/team/app"))
	var all *AllFailedError
	require.ErrorAs(t, err, &all)
	msg := err.Error()
	for _, want := range []string{"reg.example.com/team/app", "3 matching entries failed", "test.yaml:1", "/run/secrets/team", "test.yaml:2", "backend unavailable", "test.yaml:3", "empty credential"} {
		assert.Contains(t, msg, want, "message")
	}
	testkit.AssertNoSecret(t, "message", msg, secret)
	for _, kind := range []error{providers.ErrNotFound, providers.ErrUnavailable, providers.ErrInvalid} {
		assert.ErrorIs(t, err, kind, "the backends' error values are not reachable with errors.Is")
	}
}

func TestResolveTimeoutMovesOn(t *testing.T) {
	slow := &fakeEntry{pattern: "reg.example.com/team", fn: func(ctx context.Context, _ providers.Request) (providers.Credential, error) {
		<-ctx.Done()
		return providers.Credential{}, ctx.Err()
	}}
	fallback := &fakeEntry{pattern: "reg.example.com", fn: answer("fallback")}
	r := fakeResolver(t, slow, fallback)
	r.timeout = 50 * time.Millisecond
	res, err := r.Resolve(context.Background(), target(t, "reg.example.com/team/app"))
	require.NoError(t, err)
	require.Equal(t, "fallback", res.Credential.Username, "want the fallback after the slow entry timed out: %+v", res)
}

func TestResolveCallerCancelStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := &fakeEntry{pattern: "reg.example.com", fn: func(ctx context.Context, _ providers.Request) (providers.Credential, error) {
		return providers.Credential{}, ctx.Err()
	}}
	_, err := fakeResolver(t, e).Resolve(ctx, target(t, "reg.example.com"))
	require.ErrorIs(t, err, context.Canceled)
}

func TestResolveAllSamePatternIsFallback(t *testing.T) {
	tests := []struct {
		name        string
		primary     providers.ProviderFunc
		wantUsers   []string
		wantBuiltFb int32
	}{
		{name: "primary answers, fallback not asked", primary: answer("primary"), wantUsers: []string{"primary", "host"}, wantBuiltFb: 0},
		{name: "primary fails, fallback answers", primary: failWith(providers.ErrNotFound), wantUsers: []string{"fallback", "host"}, wantBuiltFb: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fb := &fakeEntry{pattern: "reg.example.com/team", fn: answer("fallback")}
			r := fakeResolver(t, &fakeEntry{pattern: "reg.example.com/team", fn: tt.primary}, fb, &fakeEntry{pattern: "reg.example.com", fn: answer("host")})
			results, _ := r.ResolveAll(context.Background(), target(t, "reg.example.com/team/app"), nil)
			var users []string
			for _, res := range results {
				users = append(users, res.Credential.Username)
			}
			assert.Equal(t, tt.wantUsers, users, "users")
			assert.Equal(t, tt.wantBuiltFb, fb.built.Load(), "fallback built times")
		})
	}
}
