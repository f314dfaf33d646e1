package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/front"
	"github.com/regcred/regcred/credhelper/route"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ecr/ecrlean"
)

const host = "123456789012.dkr.ecr.us-west-2.amazonaws.com"

var recipe = providers.Recipe{Kind: providers.RecipeECR, URL: "https://api.ecr.us-west-2.amazonaws.com/", Region: "us-west-2",
	Proxy: "https://" + host}

// recipes stands in for ecrlean.Fetcher (tested against the fake ECR): it
// counts calls and answers what the test says.
type recipes struct {
	calls int
	got   providers.Recipe
	cred  providers.Credential
	err   error
}

func (r *recipes) Credential(_ context.Context, rc providers.Recipe) (providers.Credential, error) {
	r.calls++
	r.got = rc
	return r.cred, r.err
}

type fixture struct {
	dir    string
	root   *cache.Root
	now    time.Time
	t      matcher.Target
	rt     route.Route
	fake   *recipes
	stderr bytes.Buffer
	env    map[string]string
}

func newFixture(t *testing.T, store string) *fixture {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "cache")
	root, err := cache.OpenRoot(dir)
	require.NoError(t, err)
	tg, err := matcher.Normalize(host)
	require.NoError(t, err)
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	return &fixture{dir: dir, root: root, now: now, t: tg, env: map[string]string{},
		rt:   route.Route{Store: store, TokenDir: dir, TokenKey: cache.Key("ecr", host), Source: `ecr "*.dkr.ecr.*.amazonaws.com"`, Fetch: recipe},
		fake: &recipes{cred: providers.Credential{Username: "AWS", Secret: "fresh-token", ExpiresAt: now.Add(12 * time.Hour)}}}
}

func (f *fixture) renewer() Renewer {
	return Renewer{Recipes: f.fake, Now: func() time.Time { return f.now }, Stderr: &f.stderr,
		LookupEnv: func(k string) (string, bool) { v, ok := f.env[k]; return v, ok }}
}

func (f *fixture) renew(t *testing.T) (providers.Credential, bool) {
	t.Helper()
	return renewAsHandedOn(t.Context(), f.renewer(), f.root, f.rt, f.t)
}

// renewAsHandedOn renews as the front hands a renewal on, on Linux: in the
// store front.RenewStore chooses, and not at all where it chooses none.
func renewAsHandedOn(ctx context.Context, r Renewer, root *cache.Root, rt route.Route, t matcher.Target) (providers.Credential, bool) {
	kind, ok := front.RenewStore(root, rt, r.Keyctl != nil, r.LookupEnv, "linux")
	if !ok {
		return providers.Credential{}, false
	}
	return r.Renew(ctx, root, rt, kind, t)
}

// open is the store the engine would read the token from.
func (f *fixture) open(t *testing.T) *cache.Cache {
	t.Helper()
	c, err := cache.Open(cache.Options{Kind: f.rt.Store, Dir: f.dir, Root: f.root, Now: func() time.Time { return f.now }})
	require.NoError(t, err)
	return c
}

func (f *fixture) item() cache.Item {
	return cache.Item{Key: f.rt.TokenKey, Registry: f.t.Registry(), Source: f.rt.Source}
}

// store puts a token that expires in left into the store.
func (f *fixture) store(t *testing.T, secret string, left time.Duration) {
	t.Helper()
	_, _, err := f.open(t).Credential(context.Background(), f.item(), func(context.Context) (providers.Credential, error) {
		return providers.Credential{Username: "AWS", Secret: providers.Secret(secret), ExpiresAt: f.now.Add(left)}, nil
	})
	require.NoError(t, err)
}

// TestRenewStoresWhatTheEngineWould: the renewed token is answered and
// kept under the route's key, bound to its registry, where the engine (and
// the front) read it next.
func TestRenewStoresWhatTheEngineWould(t *testing.T) {
	f := newFixture(t, cache.KindFile)
	f.store(t, "old-token", time.Minute) // due: less than the refresh margin left
	cred, ok := f.renew(t)
	require.True(t, ok)
	assert.Equal(t, "fresh-token", cred.Secret.Reveal())
	assert.Equal(t, 1, f.fake.calls)
	assert.Equal(t, recipe, f.fake.got, "the route's recipe was not the one followed")
	got, ok := f.open(t).Peek(context.Background(), f.item())
	require.True(t, ok, "the renewed token is not in the store")
	assert.Equal(t, "fresh-token", got.Secret.Reveal())
	_, ok = f.open(t).Peek(context.Background(), cache.Item{Key: f.rt.TokenKey, Registry: "other.example.com"})
	assert.False(t, ok, "the record answers another registry")
	assert.Empty(t, f.stderr.String())
}

// TestRenewFindsTheTokenAnotherRenewed: a fresh token under the key (a
// concurrent get renewed it while this one waited) is answered without a
// call.
func TestRenewFindsTheTokenAnotherRenewed(t *testing.T) {
	f := newFixture(t, cache.KindFile)
	f.store(t, "renewed-meanwhile", 6*time.Hour)
	cred, ok := f.renew(t)
	require.True(t, ok)
	assert.Equal(t, "renewed-meanwhile", cred.Secret.Reveal())
	assert.Zero(t, f.fake.calls)
}

// TestRenewLeavesFailuresToTheEngine: a failed call answers nothing and
// prints nothing, even where the cache would serve the still-valid token
// (the engine decides that, and warns); the old token stays.
func TestRenewLeavesFailuresToTheEngine(t *testing.T) {
	f := newFixture(t, cache.KindFile)
	f.store(t, "old-token", time.Minute)
	f.fake.err = errors.New("ECR refused")
	_, ok := f.renew(t)
	assert.False(t, ok)
	assert.Equal(t, 1, f.fake.calls)
	assert.Empty(t, f.stderr.String())
	e, found, err := f.open(t).Store().Get(context.Background(), f.rt.TokenKey)
	require.NoError(t, err)
	require.True(t, found, "the old token was lost")
	assert.Equal(t, "old-token", e.Secret.Reveal())
}

// TestRenewWithoutAStore: store none renews on every get and keeps nothing.
func TestRenewWithoutAStore(t *testing.T) {
	f := newFixture(t, cache.KindNone)
	for i := 1; i <= 2; i++ {
		cred, ok := f.renew(t)
		require.True(t, ok)
		assert.Equal(t, "fresh-token", cred.Secret.Reveal())
		assert.Equal(t, i, f.fake.calls)
	}
	_, err := os.Stat(filepath.Join(f.dir, "tokens"))
	assert.ErrorIs(t, err, os.ErrNotExist, "store none wrote a token")
}

// TestRenewLeavesOtherStoresToTheEngine: where the engine would use a
// store the fetcher does not link (the Secret Service behind auto, the
// keyring store) or cannot open (sealed without kernel keys), nothing is
// called.
func TestRenewLeavesOtherStoresToTheEngine(t *testing.T) {
	tests := []struct {
		name, store string
		env         map[string]string
	}{
		{name: "auto with a session bus", store: cache.KindAuto, env: map[string]string{"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"}},
		{name: "keyring", store: cache.KindKeyring},
		{name: "sealed without kernel keys", store: cache.KindSealed},
		{name: "unknown", store: "vault"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.store)
			for k, v := range tt.env {
				f.env[k] = v
			}
			_, ok := f.renew(t)
			assert.False(t, ok)
			assert.Zero(t, f.fake.calls)
		})
	}
}

// TestRenewLeavesAWarningToTheEngine: a record the cache cannot read is
// the engine's to report (it warns); the fetcher calls nothing.
func TestRenewLeavesAWarningToTheEngine(t *testing.T) {
	f := newFixture(t, cache.KindFile)
	f.store(t, "old-token", time.Minute)
	files, err := filepath.Glob(filepath.Join(f.dir, "tokens", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no record file to damage")
	for _, p := range files {
		require.NoError(t, os.WriteFile(p, []byte("not a record"), 0o600))
	}
	_, ok := f.renew(t)
	assert.False(t, ok)
	assert.Zero(t, f.fake.calls)
	assert.Empty(t, f.stderr.String())
}

// TestRenewUnderAnotherRegistrysKey: a route whose token key was edited
// to another registry's stores the renewed token bound to the registry
// asked for, so the engine (and the front) asking for the other registry
// under its key find nothing: the record answers only what was renewed.
func TestRenewUnderAnotherRegistrysKey(t *testing.T) {
	f := newFixture(t, cache.KindFile)
	other := "210987654321.dkr.ecr.us-west-2.amazonaws.com"
	f.rt.TokenKey = cache.Key("ecr", other)
	_, ok := f.renew(t)
	require.True(t, ok)
	_, ok = f.open(t).Peek(context.Background(), cache.Item{Key: f.rt.TokenKey, Registry: other})
	assert.False(t, ok, "the token renewed for %s answers %s", host, other)
	got, ok := f.open(t).Peek(context.Background(), cache.Item{Key: f.rt.TokenKey, Registry: f.t.Registry()})
	require.True(t, ok)
	assert.Equal(t, "fresh-token", got.Secret.Reveal())
}

// TestRenewServesTheValidTokenWhenECRRefuses: ECR answering a refusal (a
// throttled account, a revoked permission) while the cached token is still
// valid: the token is served with the cache's warning, as the engine
// does, and the engine is not run to ask ECR again. With nothing valid
// cached, the engine says what is wrong.
func TestRenewServesTheValidTokenWhenECRRefuses(t *testing.T) {
	refusal := fmt.Errorf("%w: HTTP 400 \"ThrottlingException\": \"Rate exceeded\"", ecrlean.ErrRefused)
	tests := []struct {
		name    string
		left    time.Duration // the cached token's life left; 0: none cached
		err     error
		served  bool
		warning bool
	}{
		{name: "due, refused", left: time.Minute, err: refusal, served: true, warning: true},
		{name: "nothing cached, refused", err: refusal},
		{name: "due, not answered", left: time.Minute, err: fmt.Errorf("%w: connection reset", ecrlean.ErrNotSent)},
		{name: "due, an answer for another registry endpoint", left: time.Minute, err: fmt.Errorf("%w: proxy", ecrlean.ErrAnswer)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, cache.KindFile)
			if tt.left > 0 {
				f.store(t, "old-token", tt.left)
			}
			f.fake.err = tt.err
			cred, ok := f.renew(t)
			require.Equal(t, tt.served, ok, "served")
			assert.Equal(t, 1, f.fake.calls)
			if tt.served {
				assert.Equal(t, "old-token", cred.Secret.Reveal())
			}
			if tt.warning {
				assert.Contains(t, f.stderr.String(), "refreshing the credential failed; serving the cached one until it expires")
				assert.Contains(t, f.stderr.String(), "ThrottlingException")
			} else {
				assert.Empty(t, f.stderr.String())
			}
		})
	}
}
