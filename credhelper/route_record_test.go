package credhelper

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/route"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/static/staticread"
)

// routeResolver is a resolver over cfgText as the App builds one: its
// cache and its login store.
func routeResolver(t *testing.T, ta *testApp, cfgText string) *Resolver {
	t.Helper()
	cfg, err := config.Parse("cfg.yaml", []byte(cfgText))
	require.NoError(t, err)
	c, err := ta.app.openCache(cfg)
	require.NoError(t, err)
	return NewResolver(cfg, ta.app.Deps, c, ta.app.openLogins(cfg))
}

// TestTokenRoute: only an answer the front can give again makes a route —
// from the first candidate, through the file cache, not stale.
func TestTokenRoute(t *testing.T) {
	dir := t.TempDir()
	fileCfg := "cache: {store: file, dir: " + dir + "}\nregistries:\n  - match: reg.example.com\n    ecr: {}\n"
	good := Result{Credential: providers.Credential{Username: "AWS", Secret: "s"}, First: true,
		Via: &Via{CacheIdentity: config.CacheIdentity{Key: "k"}, Store: cache.KindFile, Outcome: cache.Hit}}
	tests := []struct {
		name   string
		cfg    string
		env    map[string]string
		change func(*Result)
		want   bool
	}{
		{name: "hit from the first entry", cfg: fileCfg, change: func(*Result) {}, want: true},
		{name: "fetched from the first entry", cfg: fileCfg, change: func(r *Result) { r.Via.Outcome = cache.Fetched }, want: true},
		{name: "stale after a failed refresh", cfg: fileCfg, change: func(r *Result) { r.Via.Outcome = cache.Stale }},
		{name: "not the first candidate", cfg: fileCfg, change: func(r *Result) { r.First = false }},
		{name: "not through the cache", cfg: fileCfg, change: func(r *Result) { r.Via = nil }},
		{name: "through the keyring", cfg: fileCfg, change: func(r *Result) { r.Via.Store = cache.KindKeyring }},
		{name: "anonymous", cfg: fileCfg, change: func(r *Result) { r.Credential = providers.Credential{Anonymous: true} }},
		{name: "store keyring in the config", cfg: "cache: {store: keyring, dir: " + dir + "}\nregistries: []\n", change: func(*Result) {}},
		{name: "REGCRED_CACHE=none", cfg: fileCfg, env: map[string]string{"REGCRED_CACHE": "none"}, change: func(*Result) {}},
		// Its key holds the identity token's claims, which the front cannot
		// know without fetching the token: another CI job's workload on this
		// machine would be served this one's credential.
		{name: "keyless entry", cfg: "cache: {store: file, dir: " + dir + "}\nregistries:\n  - match: reg.example.com\n    jfrog: {url: \"https://acme.jfrog.io\", providerName: gh}\n",
			change: func(*Result) {}},
		{name: "ecr entry with idToken", cfg: "cache: {store: file, dir: " + dir + "}\nregistries:\n  - match: reg.example.com\n    ecr: {roleArn: \"arn:aws:iam::123456789012:role/r\", idToken: {}}\n",
			change: func(*Result) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestApp(t, "", tt.env)
			r := routeResolver(t, ta, tt.cfg)
			res := good
			via := *good.Via
			res.Via = &via
			res.Entry = r.Entries()[0]
			tt.change(&res)
			rt, ok := ta.app.tokenRoute(r, res)
			require.Equal(t, tt.want, ok, "tokenRoute = %+v: ok", rt)
			if ok {
				assert.Equal(t, "k", rt.TokenKey, "route %+v", rt)
				assert.Equal(t, dir, rt.TokenDir, "route %+v", rt)
				assert.Equal(t, cache.KindFile, rt.Store, "route %+v", rt)
			}
		})
	}
}

// TestTokenRouteRecipe: the route names the backend's recipe only for a
// fetch made in this run of an unverified entry; with store none, only a
// recipe makes a route (nothing is kept to answer from).
func TestTokenRouteRecipe(t *testing.T) {
	dir := t.TempDir()
	cfgOf := func(store, entry string) string {
		return "cache: {store: " + store + ", dir: " + dir + "}\nregistries:\n  - match: reg.example.com\n    ecr: {" + entry + "}\n"
	}
	recipe := providers.Recipe{Kind: providers.RecipeECR, URL: "https://api.ecr.us-west-2.amazonaws.com/", Region: "us-west-2", Proxy: "https://x"}
	tests := []struct {
		name, cfg  string
		store      string
		outcome    cache.Outcome
		recipe     providers.Recipe
		wantRoute  bool
		wantRecipe bool
	}{
		{name: "fetched, file store", cfg: cfgOf("file", ""), store: cache.KindFile, outcome: cache.Fetched, recipe: recipe, wantRoute: true, wantRecipe: true},
		{name: "a hit: the recipe is not known", cfg: cfgOf("file", ""), store: cache.KindFile, outcome: cache.Hit, recipe: recipe, wantRoute: true},
		{name: "verified entries are the engine's", cfg: cfgOf("file", "") + "    verify: true\n", store: cache.KindFile, outcome: cache.Fetched, recipe: recipe, wantRoute: true},
		{name: "store none with a recipe", cfg: cfgOf("none", ""), store: cache.KindNone, outcome: cache.Fetched, recipe: recipe, wantRoute: true, wantRecipe: true},
		{name: "store none without one", cfg: cfgOf("none", ""), store: cache.KindNone, outcome: cache.Fetched},
		{name: "store none, verified", cfg: cfgOf("none", "") + "    verify: true\n", store: cache.KindNone, outcome: cache.Fetched, recipe: recipe},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestApp(t, "", nil)
			r := routeResolver(t, ta, tt.cfg)
			res := Result{Credential: providers.Credential{Username: "AWS", Secret: "s", Recipe: tt.recipe}, First: true, Entry: r.Entries()[0],
				Via: &Via{CacheIdentity: config.CacheIdentity{Key: "k"}, Store: tt.store, Outcome: tt.outcome}}
			rt, ok := ta.app.tokenRoute(r, res)
			require.Equal(t, tt.wantRoute, ok, "tokenRoute = %+v", rt)
			if !ok {
				return
			}
			assert.Equal(t, tt.wantRecipe, !rt.Fetch.IsZero(), "recipe in %+v", rt)
			if tt.wantRecipe {
				assert.Equal(t, recipe, rt.Fetch)
				assert.Equal(t, r.Entries()[0].String(), rt.Source, "the entry the fetcher stores the token for")
				assert.Equal(t, "k", rt.TokenKey)
			}
		})
	}
}

// TestRecordRoute: a quiet run leaves a route the front's key finds; a run
// that warned leaves none.
func TestRecordRoute(t *testing.T) {
	for _, warned := range []bool{false, true} {
		ta := newTestApp(t, "", map[string]string{"HOME": t.TempDir()})
		routes := t.TempDir()
		engine := filepath.Join(t.TempDir(), "regcred-engine")
		require.NoError(t, os.WriteFile(engine, nil, 0o755))
		env := []string{"HOME=" + ta.app.Env.HomeDir, "AWS_PROFILE=dev"}
		ta.app.Routes = &Routes{Dir: routes, Environ: env, Engine: engine, Warned: func() bool { return warned }}
		r := routeResolver(t, ta, "registries: []\n")
		tg, _ := matcher.Normalize("quay.io/org/app")
		ta.app.recordRoute(r, tg, ta.app.routeKey(tg), route.Route{NotFound: true})
		key := route.Inputs{Target: tg, Environ: env, Config: ta.app.Env, Engine: engine}.Key()
		root, err := cache.OpenRoot(routes)
		require.NoError(t, err)
		rt, err := route.Read(root, key, tg)
		if warned {
			assert.Error(t, err, "a run that warned recorded %+v", rt)
		} else if assert.NoError(t, err) {
			assert.True(t, rt.NotFound, "route %+v", rt)
			assert.NotEmpty(t, rt.LoginDir, "route %+v", rt)
		}
	}
}

// TestGetRecordsSettledNotFound runs `get` through the App: an unmatched
// host is recorded as not found, a static answer from a variable as where
// its secret lives (the variable's name, never its value), and one from an
// inline password not at all.
func TestGetRecordsSettledNotFound(t *testing.T) {
	const secret = "pw-41d7-SECRET"
	ta := newTestApp(t, "defaults: false\nregistries:\n  - match: reg.example.com\n    static: {username: u, passwordEnv: PW}\n"+
		"  - match: inline.example.com\n    static: {username: u, password: inline-41d7-SECRET}\n", map[string]string{"PW": secret})
	routes := t.TempDir()
	engine := filepath.Join(t.TempDir(), "regcred-engine")
	require.NoError(t, os.WriteFile(engine, nil, 0o755))
	ta.app.Routes = &Routes{Dir: routes, Environ: nil, Engine: engine, Warned: func() bool { return false }}
	for _, host := range []string{"quay.io", "reg.example.com", "inline.example.com"} {
		_, code := ta.runString(t, host, "get")
		require.Equal(t, host != "quay.io", code == 0, "get %s: exit %d", host, code)
	}
	ents, err := os.ReadDir(filepath.Join(routes, "routes"))
	require.NoError(t, err)
	require.Len(t, ents, 2, "routes: want the not-found one and the variable's")
	root, err := cache.OpenRoot(routes)
	require.NoError(t, err)
	tg, _ := matcher.Normalize("reg.example.com")
	rt, err := route.Read(root, ta.app.routeKey(tg), tg)
	require.NoError(t, err)
	assert.Equal(t, staticread.Spec{Username: "u", PasswordEnv: "PW"}, rt.Static, "the static route")
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(routes, "routes", e.Name()))
		require.NoError(t, err)
		testkit.AssertNoSecret(t, "route "+e.Name(), string(data), secret, "inline-41d7-SECRET")
	}
}

// TestRecordRouteNotAfterAChange: inputs that changed while the engine ran
// (the key from before differs) leave no route.
func TestRecordRouteNotAfterAChange(t *testing.T) {
	ta := newTestApp(t, "", map[string]string{"HOME": t.TempDir()})
	routes := t.TempDir()
	engine := filepath.Join(t.TempDir(), "regcred-engine")
	require.NoError(t, os.WriteFile(engine, nil, 0o755))
	ta.app.Routes = &Routes{Dir: routes, Environ: nil, Engine: engine, Warned: func() bool { return false }}
	r := routeResolver(t, ta, "registries: []\n")
	tg, _ := matcher.Normalize("quay.io/org/app")
	ta.app.recordRoute(r, tg, "key-from-before-a-change", route.Route{NotFound: true})
	ents, _ := os.ReadDir(filepath.Join(routes, "routes"))
	assert.Empty(t, ents, "recorded route(s) across a change")
	ta.app.recordRoute(r, tg, ta.app.routeKey(tg), route.Route{NotFound: true})
	ents, _ = os.ReadDir(filepath.Join(routes, "routes"))
	assert.Len(t, ents, 1, "control: routes")
}

// TestCachedAnswerKeepsTheKnownRecipe: an answer from the cache knows no
// recipe; the route recorded for it keeps the one the route it replaces
// names for the same token key, store and entry, and no other.
func TestCachedAnswerKeepsTheKnownRecipe(t *testing.T) {
	dir := t.TempDir()
	cfg := "cache: {store: file, dir: " + dir + "}\nregistries:\n  - match: \"*.dkr.ecr.*.amazonaws.com\"\n    ecr: {}\n"
	recipe := providers.Recipe{Kind: providers.RecipeECR, URL: "https://api.ecr.us-west-2.amazonaws.com/", Region: "us-west-2", Proxy: "https://x"}
	tests := []struct {
		name    string
		prior   func(rt *route.Route)
		want    providers.Recipe
		noPrior bool
	}{
		{name: "same token key, store, entry", prior: func(*route.Route) {}, want: recipe},
		{name: "another token key", prior: func(rt *route.Route) { rt.TokenKey = "other" }},
		{name: "another store", prior: func(rt *route.Route) { rt.Store = cache.KindSealed }},
		{name: "another entry", prior: func(rt *route.Route) { rt.Source = "another entry" }},
		{name: "no route before", noPrior: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestApp(t, "", nil)
			engine := filepath.Join(t.TempDir(), "regcred-engine")
			require.NoError(t, os.WriteFile(engine, nil, 0o755))
			routes := t.TempDir()
			ta.app.Routes = &Routes{Dir: routes, Engine: engine, Warned: func() bool { return false }}
			r := routeResolver(t, ta, cfg)
			tg, err := matcher.Normalize("123456789012.dkr.ecr.us-west-2.amazonaws.com")
			require.NoError(t, err)
			res := Result{Credential: providers.Credential{Username: "AWS", Secret: "s"}, First: true, Entry: r.Entries()[0],
				Via: &Via{CacheIdentity: config.CacheIdentity{Key: "k"}, Store: cache.KindFile, Outcome: cache.Hit}}
			if !tt.noPrior {
				prior := route.Route{Store: cache.KindFile, TokenDir: dir, TokenKey: "k", Source: r.Entries()[0].String(), Fetch: recipe}
				tt.prior(&prior)
				root, err := cache.OpenRoot(routes)
				require.NoError(t, err)
				require.NoError(t, route.Write(root, ta.app.routeKey(tg), tg, prior, time.Now()))
			}
			rt, ok := ta.app.tokenRoute(r, res)
			require.True(t, ok)
			ta.app.recordRoute(r, tg, ta.app.routeKey(tg), rt)
			root, err := cache.OpenRoot(routes)
			require.NoError(t, err)
			got, err := route.Read(root, ta.app.routeKey(tg), tg)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Fetch)
		})
	}
}
