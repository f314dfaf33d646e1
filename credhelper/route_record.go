package credhelper

import (
	"context"
	"errors"
	"slices"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/route"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/static"
	"github.com/regcred/regcred/providers/static/staticread"
)

// Routes is what the engine needs to record its `get` answers for the
// front binary (package route). An App without it records none.
type Routes struct {
	Dir     string   // where routes are kept (route.Dir)
	Environ []string // the process environment, KEY=VALUE
	Engine  string   // this executable
	// Warned says whether the run logged anything at warn or above: the
	// front, which would answer silently, must then leave the request to
	// the engine.
	Warned func() bool
}

// tokenRoute is the route of an answer the front can give again: not one
// bought with an identity token, from the first candidate, through the
// file cache or the sealed store (or, with store none, by a recipe the
// fetcher repeats), fresh (not a stale token served after a failed
// refresh).
func (a *App) tokenRoute(r *Resolver, res Result) (route.Route, bool) {
	via := res.Via
	if _, keyless := res.Entry.IdentityToken(); keyless {
		// Its key holds the identity token's claims, which only fetching
		// the token tells; the front, which fetches nothing, cannot know
		// that the workload (the CI job, its repository) is the same one.
		return route.Route{}, false
	}
	if !res.First || via == nil || via.Outcome == cache.Stale || res.Credential.Anonymous {
		return route.Route{}, false
	}
	kind, err := a.cacheKind(r.cfg)
	if err != nil {
		return route.Route{}, false
	}
	rt := route.Route{Store: kind, TokenDir: r.cache.Dir(), TokenKey: via.Key, Files: via.Files, FilesSum: via.FilesSum,
		Fetch: fetchRecipe(res), Source: res.Entry.String()}
	switch {
	case slices.Contains([]string{cache.KindFile, cache.KindSealed}, via.Store):
		return rt, slices.Contains([]string{cache.KindFile, cache.KindAuto, cache.KindSealed}, kind)
	case via.Store == cache.KindNone && kind == cache.KindNone:
		return rt, !rt.Fetch.IsZero() // nothing kept: only a fetch can answer again
	}
	return route.Route{}, false
}

// fetchRecipe is the recipe the lean fetcher may repeat for res: the
// backend's, from a fetch made in this run, of an entry whose answer
// the registry did not have to verify (the fetcher verifies nothing).
func fetchRecipe(res Result) providers.Recipe {
	if res.Via.Outcome != cache.Fetched || res.Entry.Verify {
		return providers.Recipe{}
	}
	return res.Credential.Recipe
}

// staticRoute is the route of a static entry's answer the front can give
// again: from the first candidate, not verified at the registry, its
// password not inline, and read by the front's own reading (staticread)
// to the same credential now, so a source the engine warned about or had
// to run a helper for records nothing. The route names where the secret
// lives, never the secret.
func (a *App) staticRoute(ctx context.Context, r *Resolver, res Result, t matcher.Target) (route.Route, bool) {
	if !res.First || res.Via != nil || res.Entry == nil || res.Entry.Verify || res.Credential.Anonymous {
		return route.Route{}, false
	}
	cfg, ok := res.Entry.Settings().(*static.Config)
	if !ok {
		return route.Route{}, false
	}
	spec, ok := cfg.Spec()
	if !ok {
		return route.Route{}, false
	}
	cred, key, ok := staticread.Resolve(ctx, spec, t, r.deps.LookupEnv)
	if !ok || cred.Username != res.Credential.Username || cred.Secret != res.Credential.Secret {
		return route.Route{}, false
	}
	spec.DockerKey = key
	return route.Route{Static: spec}, true
}

// absentRoute is the route of a not-found answer the front can give again
// while what it rests on holds: every entry tried before the anonymous one
// that ended the search failed only because its ambient identity is
// absent, remembered (now or before) in the file cache or the sealed
// store. The route names each absence record and the identity files its
// key hashed; the front re-checks them all (docs/architecture.md).
func (a *App) absentRoute(r *Resolver, nf notFound) (route.Route, bool) {
	if len(nf.tried) == 0 || r.cache == nil || r.cache.NegativeTTL() <= 0 {
		return route.Route{}, false
	}
	kind, err := a.cacheKind(r.cfg)
	if err != nil || !slices.Contains([]string{cache.KindFile, cache.KindAuto, cache.KindSealed}, kind) {
		return route.Route{}, false
	}
	rt := route.Route{NotFound: true, Store: kind, TokenDir: r.cache.Dir(), AbsentTTL: r.cache.NegativeTTL()}
	for _, at := range nf.tried {
		via := at.Via
		if via == nil || !errors.Is(at.Err, providers.ErrAbsent) || !slices.Contains([]string{cache.KindFile, cache.KindSealed}, via.Store) {
			return route.Route{}, false
		}
		rt.Absent = append(rt.Absent, route.Absence{Key: via.Key, Files: via.Files, FilesSum: via.FilesSum})
	}
	return rt, true
}

// notFoundRoute is the route of a not-found answer, when the front may
// give it again: settled, or resting on remembered absences.
func (a *App) notFoundRoute(r *Resolver, nf notFound) (route.Route, bool) {
	if nf.settled {
		return route.Route{NotFound: true}, true
	}
	return a.absentRoute(r, nf)
}

// routeKey is t's route key now ("" when routes are not recorded).
func (a *App) routeKey(t matcher.Target) string {
	if a.Routes == nil {
		return ""
	}
	return a.routeInputs(t).Key()
}

func (a *App) routeInputs(t matcher.Target) route.Inputs {
	return route.Inputs{Target: t, Environ: a.Routes.Environ, Config: a.Env, Engine: a.Routes.Engine}
}

// recordRoute stores rt for t, with where logins are kept, unless the run
// warned or the config, the engine or the environment's files changed
// while it ran (before is the key from before the config was read). A route
// that is not written only costs the next `get` the engine.
func (a *App) recordRoute(r *Resolver, t matcher.Target, before string, rt route.Route) {
	rs := a.Routes
	if rs == nil || rs.Warned() || a.ConfigPath != "" {
		return // a --config run answers for another config than the front's lookup finds
	}
	key := a.routeInputs(t).Key()
	if key != before {
		return
	}
	if r.logins != nil { // without a login store the engine consults no login, so neither need the front
		rt.LoginDir = r.logins.Dir()
	}
	root, err := cache.OpenRoot(rs.Dir)
	if err == nil {
		err = route.Write(root, key, t, rt, a.Deps.Now())
	}
	if err != nil {
		a.Deps.Logger.Debug("route not recorded", "error", err)
	}
}
