package front

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

// absentConfig keeps the built-in entries (ECR Public and gcr.io, each
// with the anonymous fallback after it) and the file cache in the home.
const absentConfig = "cache: {store: file, dir: \"$HOME/cache\"}\n"

// primeAbsent remembers, as the engine's cache does after a probe that
// found nothing, that the first cached entry for request has no ambient
// identity, and returns that entry's cache key.
func (fx *fixture) primeAbsent(tb testing.TB, request string) string {
	tb.Helper()
	cfg := fx.config(tb)
	t, err := matcher.Normalize(request)
	require.NoError(tb, err)
	e := firstCached(cfg.Entries(), t)
	require.NotNil(tb, e, "no entry of a cached kind matches %s", request)
	c, err := cache.Open(cache.Options{Kind: cache.KindFile, Dir: cfg.Cache.Dir, NegativeTTL: 10 * time.Minute, LookupEnv: fx.lookup})
	require.NoError(tb, err)
	item := cache.Item{Key: e.CacheKey(t, nil, fx.lookup), Registry: t.Registry(), Source: e.String()}
	probe := func(context.Context) (providers.Credential, error) {
		return providers.Credential{}, providers.Absent(fmt.Errorf("%w: test: no identity here", providers.ErrNoIdentity))
	}
	_, _, err = c.Credential(context.Background(), item, probe)
	require.ErrorIs(tb, err, providers.ErrAbsent)
	_, ok := c.Absent(context.Background(), item)
	require.True(tb, ok, "the absence of %s was not remembered", request)
	return item.Key
}

// absentRecord is the file holding key's remembered absence.
func (fx *fixture) absentRecord(tb testing.TB, key string) string {
	tb.Helper()
	p := filepath.Join(fx.config(tb).Cache.Dir, "tokens", cache.AbsentKeyOf(key)+".json")
	_, err := os.Stat(p)
	require.NoError(tb, err, "no absence record for %s", key)
	return p
}

// absentRun is one case's fixture: the remembered absence's cache key,
// the request's registry, and the other cloud's request.
type absentRun struct {
	fx            *fixture
	key, registry string
	other         string
}

// cloud is one built-in entry with an anonymous fallback after it: a
// request it matches and the identity file its key hashes.
type cloud struct{ request, identityFile string }

var (
	awsCloud    = cloud{request: "public.ecr.aws/team/app", identityFile: ".aws/config"}
	googleCloud = cloud{request: "gcr.io/project/app", identityFile: ".config/gcloud/application_default_credentials.json"}
)

// TestFrontAnswersRememberedAbsence: once the engine has answered "not
// found" because the entry before the built-in anonymous fallback has its
// identity remembered as absent, the front answers the same bytes alone
// while the absence holds, and hands off as soon as anything the engine
// would weigh differently has changed.
func TestFrontAnswersRememberedAbsence(t *testing.T) {
	isolateAWSSDK(t)
	later := func(d time.Duration) func() time.Time { return func() time.Time { return time.Now().Add(d) } }
	writeIdentity := func(c *cloud) func(*testing.T, absentRun) {
		return func(t *testing.T, r absentRun) {
			fx, file := r.fx, awsCloud.identityFile
			if c != nil && c.request == googleCloud.request || c == nil && r.other == googleCloud.request {
				file = googleCloud.identityFile
			}
			fx.writeFile(t, filepath.Join(fx.home, file), "[profile dev]\n", 0)
		}
	}
	tests := []struct {
		name string
		// change is done after the route is recorded; now is the front's clock.
		change  func(t *testing.T, r absentRun)
		now     func() time.Time
		handled bool
	}{
		{name: "nothing changed", handled: true},
		{name: "nine minutes on, still remembered", now: later(9 * time.Minute), handled: true},
		{name: "the other cloud's identity file written since", change: writeIdentity(nil), handled: true},
		{name: "the absence ran out", now: later(10*time.Minute + time.Second)},
		{name: "its identity file written since", change: func(t *testing.T, r absentRun) {
			c := awsCloud
			if r.other == awsCloud.request {
				c = googleCloud
			}
			writeIdentity(&c)(t, r)
		}},
		{name: "an identity variable changed", change: func(_ *testing.T, r absentRun) { r.fx.env["AWS_PROFILE"] = "prod" }},
		{name: "the absence record tampered with", change: func(t *testing.T, r absentRun) {
			p := r.fx.absentRecord(t, r.key)
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(p, append(data[:len(data)-2], []byte("x}")...), 0o600))
		}},
		{name: "the absence record removed", change: func(t *testing.T, r absentRun) {
			require.NoError(t, os.Remove(r.fx.absentRecord(t, r.key)))
		}},
		{name: "the other cloud's absence record moved to its name", change: func(t *testing.T, r absentRun) {
			other := r.fx.absentRecord(t, r.fx.primeAbsent(t, r.other))
			require.NoError(t, os.Rename(other, r.fx.absentRecord(t, r.key)))
		}},
		{name: "a token cached under the entry's key since", change: func(t *testing.T, r absentRun) {
			c, err := cache.Open(cache.Options{Kind: cache.KindFile, Dir: r.fx.config(t).Cache.Dir, LookupEnv: r.fx.lookup})
			require.NoError(t, err)
			now := time.Now()
			require.NoError(t, c.Store().Put(context.Background(), r.key, cache.Entry{Username: "AWS", Secret: "tok",
				StoredAt: now, ExpiresAt: now.Add(time.Hour), Registry: r.registry}))
		}},
		{name: "a docker login for the registry stored since", change: func(t *testing.T, r absentRun) {
			r.fx.storeLogin(t, r.registry, "bob", "pw")
		}},
	}
	for _, c := range []struct{ cloud, other cloud }{{awsCloud, googleCloud}, {googleCloud, awsCloud}} {
		for _, tt := range tests {
			t.Run(c.cloud.request+"/"+tt.name, func(t *testing.T) {
				fx := newFixture(t, absentConfig, 0)
				tg, err := matcher.Normalize(c.cloud.request)
				require.NoError(t, err)
				r := absentRun{fx: fx, key: fx.primeAbsent(t, c.cloud.request), registry: tg.Registry(), other: c.other.request}
				stdout, stderr, code := fx.engine(t, c.cloud.request, "get")
				require.Equal(t, notFound, stdout, "the engine's answer (stderr %q)", stderr)
				require.Equal(t, 1, code)
				require.Len(t, fx.routeFiles(t), 1, "the engine recorded no route for its answer")
				if tt.change != nil {
					tt.change(t, r)
				}
				f, out := fx.front(strings.NewReader(c.cloud.request), "linux")
				if tt.now != nil {
					f.Now = tt.now
				}
				ans := f.Run(context.Background(), []string{"get"})
				if !tt.handled {
					assert.False(t, ans.Handled, "the front answered %q itself; the engine must weigh this", out.String())
					return
				}
				require.True(t, ans.Handled, "the front handed off a remembered absence")
				assert.Equal(t, stdout, out.String(), "the front's answer differs from the engine's")
				assert.Equal(t, code, ans.Code, "the front's exit code differs from the engine's")
			})
		}
	}
}
