package credhelper

import (
	"slices"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/route"
	"github.com/regcred/regcred/matcher"
)

// Routes is what the engine needs to record its `get` answers for the
// front binary (package route). An App without it records none.
type Routes struct {
	Dir     string   // where routes are kept (route.Dir)
	Environ []string // the process environment, KEY=VALUE
	Backend string   // this executable
	// Warned says whether the run logged anything at warn or above: the
	// front, which would answer silently, must then leave the request to
	// the engine.
	Warned func() bool
}

// tokenRoute is the route of an answer the front can give again: from the
// first candidate, through the file cache, fresh (not a stale token served
// after a failed refresh).
func (a *App) tokenRoute(r *Resolver, res Result) (route.Route, bool) {
	via := res.Via
	if !res.First || via == nil || via.Store != cache.KindFile || via.Outcome == cache.Stale || res.Credential.Anonymous {
		return route.Route{}, false
	}
	kind, err := a.cacheKind(r.cfg)
	if err != nil || !slices.Contains([]string{cache.KindFile, cache.KindAuto}, kind) {
		return route.Route{}, false
	}
	files := res.Entry.IdentityFiles(a.Deps.LookupEnv)
	return route.Route{Store: kind, TokenDir: r.cache.Dir(), TokenKey: via.Key, Files: files, FilesSum: route.SumFiles(files)}, true
}

// recordRoute stores rt for t, with where logins are kept, unless the run
// warned. A route that cannot be written only costs the next `get` the
// engine.
func (a *App) recordRoute(r *Resolver, t matcher.Target, rt route.Route) {
	rs := a.Routes
	if rs == nil || rs.Warned() || a.ConfigPath != "" {
		return // a --config run answers for another config than the front's lookup finds
	}
	if r.logins != nil {
		rt.LoginDir = r.logins.dir
	} else if dir, err := config.LoginDir(r.cfg.Cache, a.Deps.LookupEnv); err == nil {
		rt.LoginDir = dir
	}
	key := route.Inputs{Target: t, Environ: rs.Environ, Config: a.Env, Backend: rs.Backend}.Key()
	if err := route.Write(rs.Dir, key, rt, a.Deps.Now()); err != nil {
		a.Deps.Logger.Debug("route not recorded", "err", err)
	}
}
