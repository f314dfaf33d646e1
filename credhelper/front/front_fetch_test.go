package front

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/configpath"
	"github.com/regcred/regcred/credhelper/route"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

var ecrRecipe = providers.Recipe{Kind: providers.RecipeECR, URL: "https://api.ecr.us-west-2.amazonaws.com/", Region: "us-west-2",
	Proxy: "https://" + ecrHost}

// writeRoute records rt for ecrHost as the engine would, under the route
// key of the fixture's environment.
func (fx *fixture) writeRoute(t *testing.T, rt route.Route) {
	t.Helper()
	tg, err := matcher.Normalize(ecrHost)
	require.NoError(t, err)
	dir, err := route.Dir(fx.lookup)
	require.NoError(t, err)
	root, err := cache.OpenRoot(dir)
	require.NoError(t, err)
	key := route.Inputs{Target: tg, Environ: fx.environ(), Config: configpath.Env{LookupEnv: fx.lookup, HomeDir: fx.home}, Engine: fx.engineExe}.Key()
	require.NoError(t, route.Write(root, key, tg, rt, time.Now()))
}

// renewer is a Front.Renew that counts its calls and answers cred.
type renewer struct {
	calls int
	cred  providers.Credential
	ok    bool
}

func (r *renewer) renew(context.Context, *cache.Root, route.Route, string, matcher.Target) (providers.Credential, bool) {
	r.calls++
	return r.cred, r.ok
}

// TestFrontHandsRenewalsToTheFetcher: a route whose token is missing or
// not fresh goes to the lean fetcher when it records a recipe, to the
// engine when it does not or when its key no longer holds; the fetcher
// (Renew set) answers by it, or leaves the request to the engine.
func TestFrontHandsRenewalsToTheFetcher(t *testing.T) {
	idFile := "$HOME/.aws/credentials"
	tests := []struct {
		name      string
		rt        route.Route
		changeID  bool // the identity file the key hashed changes after the route
		env       map[string]string
		goos      string // "" is linux
		renew     *renewer
		wantFetch bool
		handled   bool
	}{
		{name: "store none with a recipe", rt: route.Route{Store: cache.KindNone, TokenKey: "k", Fetch: ecrRecipe}, wantFetch: true},
		{name: "file store, no token, a recipe", rt: route.Route{Store: cache.KindFile, TokenDir: "$HOME/cache", TokenKey: "k", Fetch: ecrRecipe}, wantFetch: true},
		{name: "auto, no session bus, a recipe", rt: route.Route{Store: cache.KindAuto, TokenDir: "$HOME/cache", TokenKey: "k", Fetch: ecrRecipe}, wantFetch: true},
		// Where the engine would also write to a store the fetcher does not
		// link, the fetcher would only run the engine: run it at once.
		{name: "auto with a session bus", rt: route.Route{Store: cache.KindAuto, TokenDir: "$HOME/cache", TokenKey: "k", Fetch: ecrRecipe},
			env: map[string]string{"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"}},
		{name: "auto on darwin (the keychain)", rt: route.Route{Store: cache.KindAuto, TokenDir: "$HOME/cache", TokenKey: "k", Fetch: ecrRecipe}, goos: "darwin"},
		{name: "sealed without kernel keys", rt: route.Route{Store: cache.KindSealed, TokenDir: "$HOME/cache", TokenKey: "k", Fetch: ecrRecipe}},
		{name: "no recipe", rt: route.Route{Store: cache.KindFile, TokenDir: "$HOME/cache", TokenKey: "k"}},
		{name: "store none without a recipe", rt: route.Route{Store: cache.KindNone, TokenKey: "k"}},
		{name: "an identity file changed", rt: route.Route{Store: cache.KindNone, TokenKey: "k", Fetch: ecrRecipe, Files: []string{idFile}}, changeID: true},
		{name: "the fetcher renews", rt: route.Route{Store: cache.KindNone, TokenKey: "k", Fetch: ecrRecipe},
			renew: &renewer{ok: true, cred: providers.Credential{Username: "AWS", Secret: "tok"}}, handled: true},
		{name: "the fetcher leaves it to the engine", rt: route.Route{Store: cache.KindNone, TokenKey: "k", Fetch: ecrRecipe}, renew: &renewer{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t, ecrConfig("file"), 0)
			fx.writeFile(t, filepath.Join(fx.home, ".aws", "credentials"), "[default]\n", 0)
			for k, v := range tt.env {
				fx.env[k] = v
			}
			goos := tt.goos
			if goos == "" {
				goos = "linux"
			}
			rt := tt.rt
			rt.TokenDir = strings.ReplaceAll(rt.TokenDir, "$HOME", fx.home)
			for i, f := range rt.Files {
				rt.Files[i] = strings.ReplaceAll(f, "$HOME", fx.home)
			}
			rt.FilesSum = route.SumFiles(rt.Files)
			fx.writeRoute(t, rt)
			if tt.changeID {
				fx.writeFile(t, filepath.Join(fx.home, ".aws", "credentials"), "[default]\naws_access_key_id = AKIAOTHER\n", 0)
			}
			f, out := fx.front(strings.NewReader(ecrHost), goos)
			if tt.renew != nil {
				f.Renew = tt.renew.renew
			}
			ans := f.Run(context.Background(), []string{"get"})
			assert.Equal(t, tt.wantFetch, ans.Fetch, "Fetch")
			assert.Equal(t, tt.handled, ans.Handled, "Handled")
			assert.Equal(t, ecrHost, string(ans.Consumed), "the request is passed on")
			if tt.handled {
				assert.Equal(t, tokenAnswer, out.String())
			} else {
				assert.Empty(t, out.String())
			}
			if tt.renew != nil {
				assert.Equal(t, 1, tt.renew.calls, "Renew calls")
			}
		})
	}
}

// TestFrontAnswersAFreshTokenItself: with a fresh token in the store, a
// recipe changes nothing: the front answers, nothing is renewed.
func TestFrontAnswersAFreshTokenItself(t *testing.T) {
	fx := newFixture(t, ecrConfig("file"), 0)
	isolateAWSSDK(t)
	now := time.Now()
	fx.prime(t, ecrHost, providers.Credential{Username: "AWS", Secret: "tok"}, now.Add(-time.Minute), 12*time.Hour)
	_, errOut, code := fx.engine(t, ecrHost, "get")
	require.Equal(t, 0, code, errOut)
	files := fx.routeFiles(t)
	require.Len(t, files, 1, "the engine recorded no route")
	r := &renewer{}
	f, out := fx.front(strings.NewReader(ecrHost), "linux")
	f.Renew = r.renew
	ans := f.Run(context.Background(), []string{"get"})
	assert.True(t, ans.Handled)
	assert.Equal(t, tokenAnswer, out.String())
	assert.Zero(t, r.calls)
}
