package front

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/configpath"
	"github.com/regcred/regcred/credhelper/dockerproto"
	"github.com/regcred/regcred/credhelper/route"
	"github.com/regcred/regcred/internal/logwatch"
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
}

// Answer is what the front made of a command line. When Handled is false
// the engine must run it: Consumed is the stdin already read, which the
// backend must see first.
type Answer struct {
	Handled  bool
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
		code, _ := f.write("reading stdin: "+err.Error()+"\n", 1)
		return Answer{Handled: true, Code: code, Consumed: raw}
	}
	if len(raw) > dockerproto.MaxRequestSize {
		return Answer{Consumed: raw}
	}
	code, ok := f.get(ctx, raw)
	return Answer{Handled: ok, Code: code, Consumed: raw}
}

// get answers a `get` the way the engine answered it last time, when
// nothing it depends on has changed since.
func (f *Front) get(ctx context.Context, raw []byte) (code int, ok bool) {
	serverURL, t, err := dockerproto.ParseServerURL(raw)
	if err != nil {
		return 0, false
	}
	rt, root, ok := f.route(t)
	switch {
	case !ok:
		return 0, false
	case rt.NotFound:
		return f.write(dockerproto.ErrNotFound.Error()+"\n", 1)
	}
	cred, ok := f.credential(ctx, root, rt, t)
	if !ok {
		return 0, false
	}
	if err := dockerproto.WriteCredentials(f.Stdout, dockerproto.Credentials{
		ServerURL: serverURL, Username: cred.Username, Secret: cred.Secret.Reveal(),
	}); err != nil {
		return 1, true // stdout is gone: nobody is left to answer
	}
	return 0, true
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

// credential is the route's answer now: a static entry's, read afresh from
// where it lives as the engine would read it, or a cached token.
func (f *Front) credential(ctx context.Context, root *cache.Root, rt route.Route, t matcher.Target) (providers.Credential, bool) {
	if !rt.Static.IsZero() {
		return staticread.Answer(ctx, rt.Static, t, f.LookupEnv)
	}
	return f.token(ctx, root, rt, t)
}

// token reads the route's token from the sealed store or the file cache
// when it is fresh and its key still holds (same identity files, no
// keyring in the way), looking where the engine would: for auto, a sealed
// record first, and only when there is none the Secret Service (which the
// front leaves to the engine) or else the file cache.
func (f *Front) token(ctx context.Context, root *cache.Root, rt route.Route, t matcher.Target) (providers.Credential, bool) {
	if rt.TokenKey == "" || route.SumFiles(rt.Files) != rt.FilesSum {
		return providers.Credential{}, false
	}
	if f.Keyctl != nil && (rt.Store == cache.KindSealed || rt.Store == cache.KindAuto) {
		cred, ok := f.peek(ctx, root, rt, t, cache.KindSealed)
		if ok || rt.Store == cache.KindSealed || cache.SealedPresent(rt.TokenDir, rt.TokenKey) {
			return cred, ok // a sealed record the front cannot serve is the engine's to handle
		}
	}
	if (cache.Options{Kind: rt.Store, LookupEnv: f.LookupEnv}).UsesKeyring(f.GOOS) {
		return providers.Credential{}, false
	}
	return f.peek(ctx, root, rt, t, cache.KindFile)
}

// peek asks the store of kind for the route's token, as the engine's
// cache would serve it without a fetch.
func (f *Front) peek(ctx context.Context, root *cache.Root, rt route.Route, t matcher.Target, kind string) (providers.Credential, bool) {
	// Anything logged (an untrusted or unreadable cache file) is the engine's
	// to say: the front then hands off.
	log, logged := logwatch.Wrap(slog.DiscardHandler)
	c, err := cache.Open(cache.Options{Kind: kind, Dir: rt.TokenDir, Root: root, Now: f.Now, LookupEnv: f.LookupEnv, Logger: log, Keyctl: f.Keyctl})
	if err != nil {
		return providers.Credential{}, false
	}
	cred, ok := c.Peek(ctx, cache.Item{Key: rt.TokenKey, Registry: t.Registry()})
	return cred, ok && !logged() && !cred.Anonymous
}

func (f *Front) write(s string, code int) (int, bool) {
	if _, err := io.WriteString(f.Stdout, s); err != nil {
		return 1, true
	}
	return code, true
}
