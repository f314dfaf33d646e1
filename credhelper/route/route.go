package route

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/static/staticread"
)

// subdir holds the routes under the default cache directory. Not the
// config's cache.dir: the front must find a route before it reads any
// config.
const subdir = "routes"

// Route is what the engine answered a `get` with. No field is secret.
type Route struct {
	// Key and Request are what the route was made for: its route key and
	// the normalised request. A reader that computed another key or asks
	// for another request treats the route as absent, so a route copied or
	// renamed to another name answers nothing.
	Key     string
	Request string
	// NotFound: the engine answered "credentials not found" (no entry
	// matched, an anonymous one came first, or every entry before an
	// anonymous one has its identity remembered as absent: Absent).
	NotFound bool
	// Absent are the remembered absences (cache.Absence) a NotFound
	// answer rests on, in the order the engine met them, kept by Store in
	// TokenDir for AbsentTTL: while each still holds, the engine would
	// skip its entry and the anonymous one after it would answer.
	Absent    []Absence
	AbsentTTL time.Duration
	// Store, TokenDir and TokenKey name the cache entry that answered
	// (Store is the configured kind: file, sealed or auto; none when only
	// the recipe, Fetch, can answer again).
	Store    string
	TokenDir string
	TokenKey string
	// Files are the identity files the token's key hashed, and FilesSum
	// their hashes then: a changed file means another key.
	Files    []string
	FilesSum string
	// Static is where a static entry's credential lives (never the
	// secret): the front reads it afresh on every `get`, as the engine
	// would (staticread.Answer).
	Static staticread.Spec
	// LoginDir is where `docker login` credentials are kept: a login
	// stored since would change the answer.
	LoginDir string
	// Fetch is how the lean fetcher can renew the token (TokenKey in
	// Store; Store "none": nothing kept) without the engine, and Source
	// the entry it stores the token for (the cache's Item.Source).
	Fetch  providers.Recipe
	Source string
}

// Absence names one remembered absence of an entry's ambient identity:
// the entry's token cache key (the record is under cache.AbsentKeyOf(Key))
// and the identity files that key hashed, with their sum then.
type Absence struct {
	Key      string
	Files    []string
	FilesSum string
}

// ErrMismatch: the route stored under a key was made for another key or
// request.
var ErrMismatch = errors.New("route made for another request")

// Dir is where routes are kept, or an error when there is no cache
// directory (no home): then there are no routes. Open it with
// cache.OpenRoot, once.
func Dir(lookupEnv func(string) (string, bool)) (string, error) {
	return cache.DefaultDir(lookupEnv)
}

// Read returns the route stored under key in root, if it was made for
// key and t.
func Read(root *cache.Root, key string, t matcher.Target) (Route, error) {
	data, err := root.ReadFile(subdir, key+".route")
	if err != nil {
		return Route{}, err
	}
	r, err := decode(data)
	if err != nil {
		return Route{}, fmt.Errorf("route %s: %w", key, err)
	}
	if r.Key != key || r.Request != t.String() {
		return Route{}, fmt.Errorf("route %s: %w", key, ErrMismatch)
	}
	return r, nil
}

// Write stores r for key and t in root, atomically, 0600, and deletes
// routes not written for maxAge: a key that is never asked again (an
// identity switched, a config edited) would otherwise leave its route
// behind.
//
// A route already stored as r is left as it is: an engine that answers
// the same way every time (store none, a fetch each run) then pays a read,
// not a durable write and a sweep of the directory.
func Write(root *cache.Root, key string, t matcher.Target, r Route, now time.Time) error {
	r.Key, r.Request = key, t.String()
	old, err := root.ReadFile(subdir, key+".route")
	if err == nil {
		r = keepRecipe(r, old)
	}
	data := encode(r)
	if err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := root.WriteFile(subdir, key+".route", data); err != nil {
		return err
	}
	root.RemoveOld(subdir, isRouteName, now.Add(-maxAge))
	return nil
}

// keepRecipe is r, naming the recipe the route it replaces (old, as
// stored) names when r names none for the same token key, store and
// entry. A recipe is learnt only from a fetch; an answer from the cache (a
// concurrent get found the token its neighbour fetched) knows none, and a
// fetch under the same route key (environment, config, engine) and token
// key would record the same one.
func keepRecipe(r Route, old []byte) Route {
	if !r.Fetch.IsZero() || r.TokenKey == "" {
		return r
	}
	prev, err := decode(old)
	if err != nil || prev.Key != r.Key || prev.Request != r.Request || prev.TokenKey != r.TokenKey ||
		prev.Store != r.Store || prev.Source != r.Source {
		return r
	}
	r.Fetch = prev.Fetch
	return r
}

// isRouteName accepts the names Write gives routes, and nothing else that
// may lie in the directory.
func isRouteName(name string) bool {
	key, ok := strings.CutSuffix(name, ".route")
	return ok && cache.IsKey(key)
}

// maxAge is how long an unused route is kept. Writing one costs a backend
// run, so a stale route costs nothing but a file.
const maxAge = 30 * 24 * time.Hour

// SumFiles is what FilesSum holds for files now (as config's
// CacheIdentity computes it).
func SumFiles(files []string) string {
	_, sum := cache.IdentityFilesSum(files)
	return sum
}
