package credhelper

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/providers"
	"github.com/stretchr/testify/assert"
)

func fileCache(t *testing.T) (*cache.Cache, string) {
	t.Helper()
	dir := t.TempDir()
	c, err := cache.Open(cache.Options{Kind: cache.KindFile, Dir: dir, TTL: time.Minute, Now: time.Now,
		LookupEnv: func(string) (string, bool) { return "", false }})
	require.NoError(t, err)
	return c, dir
}

func TestResolveWarmHitBuildsNoBackend(t *testing.T) {
	const secret = "token-abc-123"
	calls := 0
	e := &fakeEntry{pattern: "tok.example.com", fn: func(_ context.Context, req providers.Request) (providers.Credential, error) {
		calls++
		return providers.Credential{Username: "AWS", Secret: secret, ExpiresAt: time.Now().Add(time.Hour)}, nil
	}, cached: true}
	r := fakeResolver(t, e)
	c, dir := fileCache(t)
	r.cache = c
	for i := range 3 {
		res, err := r.Resolve(context.Background(), target(t, "tok.example.com/app"))
		require.NoError(t, err, "round %d", i)
		require.Equal(t, secret, res.Credential.Secret.Reveal(), "round %d: %+v", i, res)
	}
	assert.Equal(t, 1, calls, "backend calls; want 1 (then cache hits)")
	assert.Equal(t, int32(1), e.built.Load(), "times built; want 1 (then cache hits)")
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		assert.NotContains(t, p, secret, "a cache path holds the secret")
		return nil
	})
}

func TestCacheKeySeparatesIdentities(t *testing.T) {
	r := fakeResolver(t, &fakeEntry{pattern: "tok.example.com"}, &fakeEntry{pattern: "*.example.com"})
	e := r.entries[0]
	env := func(kv ...string) func(string) (string, bool) {
		return func(k string) (string, bool) {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1], true
				}
			}
			return "", false
		}
	}
	tg := target(t, "tok.example.com")
	base := e.CacheKey(tg, nil, env())
	saA := &providers.ServiceAccount{Token: "jwt-a", Annotations: map[string]string{"role": "x"}}
	saB := &providers.ServiceAccount{Token: "jwt-b", Annotations: map[string]string{"role": "x"}}
	saC := &providers.ServiceAccount{Token: "jwt-a", Annotations: map[string]string{"role": "y"}}
	keys := map[string]string{
		"base":              base,
		"other registry":    e.CacheKey(target(t, "other.example.com"), nil, env()),
		"service account A": e.CacheKey(tg, saA, env()),
		"service account B": e.CacheKey(tg, saB, env()),
		"annotation change": e.CacheKey(tg, saC, env()),
	}
	seen := map[string]string{}
	for name, k := range keys {
		prev, dup := seen[k]
		assert.False(t, dup, "%s and %s share a cache key", name, prev)
		seen[k] = name
		assert.NotContains(t, k, "jwt-", "%s: key holds the token", name)
	}
	assert.Equal(t, base, e.CacheKey(tg, nil, env()), "the key is not stable")
}

func TestCacheKeyFollowsVaultTokenFile(t *testing.T) {
	home := t.TempDir()
	cfg, err := config.Parse("c.yaml", []byte("registries:\n  - match: reg.example.com\n    vault: {address: \"https://vault.example.com:8200\", path: secret/reg}\n"))
	require.NoError(t, err)
	e := &cfg.Registries[0]
	env := func(k string) (string, bool) {
		if k == "HOME" {
			return home, true
		}
		return "", false
	}
	tg := target(t, "reg.example.com")
	noFile := e.CacheKey(tg, nil, env)
	tokenFile := filepath.Join(home, ".vault-token")
	require.NoError(t, os.WriteFile(tokenFile, []byte("hvs.alice"), 0o600))
	alice := e.CacheKey(tg, nil, env)
	require.NoError(t, os.WriteFile(tokenFile, []byte("hvs.bob"), 0o600))
	bob := e.CacheKey(tg, nil, env)
	assert.NotEqual(t, noFile, alice, "a new `vault login` (token file written) must change the cache key")
	assert.NotEqual(t, alice, bob, "a new `vault login` (token file rewritten) must change the cache key")
	assert.Equal(t, bob, e.CacheKey(tg, nil, env), "key not stable for the same token file")
}
