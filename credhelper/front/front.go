package front

import (
	"context"
	"io"
	"time"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/configpath"
	"github.com/regcred/regcred/credhelper/dockerproto"
	"github.com/regcred/regcred/credhelper/route"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/static/staticread"
)

// Front is one run of the front executable, with its streams and
// environment injected so tests drive it without touching the process.
type Front struct {
	Stdin     io.Reader
	Stdout    io.Writer
	LookupEnv func(string) (string, bool)
	Environ   []string // KEY=VALUE, as os.Environ
	HomeDir   string
	Engine    string // the engine executable's path, part of every route's key
	Now       func() time.Time
	GOOS      string
	// Keyctl is the kernel's key calls, to open sealed records; nil: none.
	Keyctl cache.Keyctl
	// Renew, in the lean fetcher only, renews a route's token by its
	// recipe (route.Route.Fetch); ok false leaves the request to the
	// engine. nil in the front, which hands such requests to the fetcher.
	Renew Renewal
}

// Renewal renews rt's token for t by the route's recipe, in the store of
// kind (RenewStore's); ok false leaves the request to the engine.
type Renewal func(ctx context.Context, root *cache.Root, rt route.Route, kind string, t matcher.Target) (cred providers.Credential, ok bool)

// Answer is what the front made of a command line. When Handled is false
// the engine must run it, or the lean fetcher when Fetch is set: Consumed
// is the stdin already read, which it must see first.
type Answer struct {
	Handled  bool
	Fetch    bool
	Code     int
	Consumed []byte
}

// Run answers args (without the program name) when it can.
func (f *Front) Run(ctx context.Context, args []string) Answer {
	if len(args) != 1 || args[0] != "get" {
		return Answer{}
	}
	if v, ok := f.LookupEnv("REGCRED_LOG"); ok && v != "" {
		return Answer{} // the engine logs what was asked for
	}
	raw, err := io.ReadAll(io.LimitReader(f.Stdin, dockerproto.MaxRequestSize+1))
	if err != nil {
		// Replaying the bytes read would show the engine a clean, shorter
		// request; answer the failure as it would (dockerproto.ReadLimited).
		ans := f.write("reading stdin: "+err.Error()+"\n", 1)
		ans.Consumed = raw
		return ans
	}
	if len(raw) > dockerproto.MaxRequestSize {
		return Answer{Consumed: raw}
	}
	ans := f.get(ctx, raw)
	ans.Consumed = raw
	return ans
}

// get answers a `get` the way the engine answered it last time, when
// nothing it depends on has changed since.
func (f *Front) get(ctx context.Context, raw []byte) Answer {
	serverURL, t, err := dockerproto.ParseServerURL(raw)
	if err != nil {
		return Answer{}
	}
	rt, root, ok := f.route(t)
	switch {
	case !ok:
		return Answer{}
	case rt.NotFound && (len(rt.Absent) == 0 || f.absent(ctx, root, rt, t)):
		return f.write(dockerproto.ErrNotFound.Error()+"\n", 1)
	case rt.NotFound:
		return Answer{}
	}
	cred, next := f.credential(ctx, root, rt, t)
	if next != byFront {
		return Answer{Fetch: next == toFetcher}
	}
	if err := dockerproto.WriteCredentials(f.Stdout, dockerproto.Credentials{
		ServerURL: serverURL, Username: cred.Username, Secret: cred.Secret.Reveal(),
	}); err != nil {
		return Answer{Handled: true, Code: 1} // stdout is gone: nobody is left to answer
	}
	return Answer{Handled: true}
}

// route is the engine's last answer for t, made for t and for this
// route key, if nothing changed that a route key does not cover: a `docker
// login` stored since, a keyring usable now. root is the opened cache
// directory the route was read from.
func (f *Front) route(t matcher.Target) (route.Route, *cache.Root, bool) {
	dir, err := route.Dir(f.LookupEnv)
	if err != nil {
		return route.Route{}, nil, false
	}
	root, err := cache.OpenRoot(dir)
	if err != nil {
		return route.Route{}, nil, false
	}
	key := route.Inputs{Target: t, Environ: f.Environ, Config: configpath.Env{LookupEnv: f.LookupEnv, HomeDir: f.HomeDir}, Engine: f.Engine}.Key()
	rt, err := route.Read(root, key, t)
	if err != nil || rt.LoginDir != "" && cache.Present(rt.LoginDir, cache.LoginKey(t.Registry())) {
		return route.Route{}, nil, false
	}
	return rt, root, true
}

// next says who answers a route's credential.
type next int

const (
	byFront   next = iota // the front, now
	toEngine              // the engine
	toFetcher             // the lean fetcher, which renews by the route's recipe
)

// credential is the route's answer now: a static entry's, read afresh from
// where it lives as the engine would read it, or a cached token; else a
// renewal by the route's recipe, where the key still holds.
func (f *Front) credential(ctx context.Context, root *cache.Root, rt route.Route, t matcher.Target) (providers.Credential, next) {
	if !rt.Static.IsZero() {
		return answerOr(staticread.Answer(ctx, rt.Static, t, f.LookupEnv))
	}
	if rt.TokenKey == "" || route.SumFiles(rt.Files) != rt.FilesSum {
		return providers.Credential{}, toEngine // another identity: another key
	}
	if rt.Store != cache.KindNone {
		if cred, ok := f.token(ctx, root, rt, t); ok {
			return cred, byFront
		}
	}
	if rt.Fetch.IsZero() {
		return providers.Credential{}, toEngine
	}
	kind, ok := RenewStore(root, rt, f.Keyctl != nil, f.LookupEnv, f.GOOS)
	switch {
	case !ok:
		return providers.Credential{}, toEngine
	case f.Renew == nil:
		return providers.Credential{}, toFetcher
	}
	return answerOr(f.Renew(ctx, root, rt, kind, t))
}

func answerOr(cred providers.Credential, ok bool) (providers.Credential, next) {
	if ok {
		return cred, byFront
	}
	return providers.Credential{}, toEngine
}

func (f *Front) write(s string, code int) Answer {
	if _, err := io.WriteString(f.Stdout, s); err != nil {
		return Answer{Handled: true, Code: 1}
	}
	return Answer{Handled: true, Code: code}
}
