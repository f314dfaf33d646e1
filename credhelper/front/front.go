package front

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/dockerproto"
	"github.com/regcred/regcred/matcher"
)

// Front is one run of the front executable, with its streams and
// environment injected so tests drive it without touching the process.
type Front struct {
	Stdin     io.Reader
	Stdout    io.Writer
	LookupEnv func(string) (string, bool)
	HomeDir   string
	Now       func() time.Time
	GOOS      string
}

// Answer is what the front made of a command line. When Handled is false
// the backend must run it: Consumed is the stdin already read, which the
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
		return Answer{} // the backend logs what was asked for
	}
	raw, err := io.ReadAll(io.LimitReader(f.Stdin, dockerproto.MaxRequestSize+1))
	if err != nil || len(raw) > dockerproto.MaxRequestSize {
		return Answer{Consumed: raw}
	}
	code, ok := f.get(ctx, raw)
	return Answer{Handled: ok, Code: code, Consumed: raw}
}

// get answers a `get` request, or says it cannot.
func (f *Front) get(ctx context.Context, raw []byte) (code int, ok bool) {
	serverURL, t, err := dockerproto.ParseServerURL(raw)
	if err != nil {
		return 0, false
	}
	log, logged := newWatchLogger()
	cfg, err := config.LoadConfig("", config.Env{LookupEnv: f.LookupEnv, HomeDir: f.HomeDir}, log)
	if err != nil || logged() || config.HasLogin(cfg.Cache, f.LookupEnv, t.Registry()) {
		return 0, false
	}
	store, ok := f.cacheStore(cfg)
	if !ok {
		return 0, false
	}
	e := firstMatch(cfg.Entries(), t)
	if e == nil {
		return f.write(dockerproto.ErrNotFound.Error()+"\n", 1)
	}
	cred, ok := f.credential(ctx, cfg, store, e, t, log)
	switch {
	case !ok || logged():
		return 0, false
	case cred.Anonymous:
		return f.write(dockerproto.ErrNotFound.Error()+"\n", 1)
	}
	if err := dockerproto.WriteJSON(f.Stdout, dockerproto.Credentials{
		ServerURL: serverURL, Username: cred.Username, Secret: cred.Secret.Reveal(),
	}); err != nil {
		return 1, true // stdout is gone: nobody is left to answer
	}
	return 0, true
}

func (f *Front) write(s string, code int) (int, bool) {
	if _, err := io.WriteString(f.Stdout, s); err != nil {
		return 1, true
	}
	return code, true
}

// firstMatch is the entry the engine would try first, or nil.
func firstMatch(entries []*config.Entry, t matcher.Target) *config.Entry {
	patterns := make([]matcher.Pattern, len(entries))
	for i, e := range entries {
		patterns[i] = e.Pattern()
	}
	if idx := matcher.Order(patterns, t); len(idx) > 0 {
		return entries[idx[0]]
	}
	return nil
}

// newWatchLogger is a logger at the engine's default level (warn) that
// records whether anything was logged: the front then stays silent and
// lets the backend run the request, so that the user sees its messages.
func newWatchLogger() (*slog.Logger, func() bool) {
	h := &watchHandler{}
	return slog.New(h), func() bool { return h.seen }
}

type watchHandler struct{ seen bool }

func (h *watchHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (h *watchHandler) Handle(context.Context, slog.Record) error {
	h.seen = true
	return nil
}
func (h *watchHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *watchHandler) WithGroup(string) slog.Handler      { return h }
