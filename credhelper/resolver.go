package credhelper

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/regcred/regcred/credhelper/loginstore"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/verify"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// DefaultEntryTimeout bounds one backend call, so a dead backend costs
// seconds before the next entry is tried, not the client's whole patience.
const DefaultEntryTimeout = 20 * time.Second

// Resolver finds the entries matching a request and asks their backends,
// most specific first, until one yields a credential.
type Resolver struct {
	entries  []*config.Entry
	patterns []matcher.Pattern
	deps     netdeps.Deps
	log      *slog.Logger
	timeout  time.Duration
	cache    *cache.Cache // nil: nothing cached
	// logins holds `docker login` credentials (nil: none are consulted);
	// configEntries counts the entries that came from the config file.
	logins        *loginstore.Store
	configEntries int
	// builders makes the backends, by kind name.
	builders map[string]builder
	cfg      *config.Config
}

// Result is a credential and the entry that produced it.
type Result struct {
	Credential providers.Credential
	Entry      *config.Entry
	// Via is how the token cache served it (nil: not through the cache).
	Via *Via
	// First says the entry was the first candidate: no other was tried.
	First bool
}

// Via is a credential's trip through the token cache.
type Via struct {
	config.CacheIdentity        // the key, and the identity files as they made it
	Store                string // the store's name: keyring, file or none
	Outcome              cache.Outcome
}

// NewResolver takes the config's entries (and the built-in ones unless the
// config turned them off). c may be nil: nothing is cached; logins may be
// nil: no `docker login` is consulted.
func NewResolver(cfg *config.Config, deps netdeps.Deps, c *cache.Cache, logins *loginstore.Store) *Resolver {
	if c != nil && deps.Logins == nil {
		// Backend login tokens (Vault AppRole, JWT …) live in the token
		// cache too, so the next process reuses them.
		deps.Logins = c.Logins()
	}
	r := &Resolver{deps: deps, log: deps.Logger, timeout: DefaultEntryTimeout, cache: c, logins: logins,
		entries: cfg.Entries(), configEntries: len(cfg.Registries), builders: builders(), cfg: cfg}
	if logins != nil {
		r.builders["login"] = loginBuilder(logins)
	}
	r.patterns = make([]matcher.Pattern, len(r.entries))
	for i, e := range r.entries {
		r.patterns[i] = e.Pattern()
	}
	return r
}

// Entries returns every entry, config order, built-ins last.
func (r *Resolver) Entries() []*config.Entry { return r.entries }

// Match returns the entries matching t, in the order they are tried.
func (r *Resolver) Match(t matcher.Target) []*config.Entry {
	idx := matcher.Order(r.patterns, t)
	out := make([]*config.Entry, len(idx))
	for i, j := range idx {
		out[i] = r.entries[j]
	}
	return out
}

// Resolve returns the first credential a matching entry yields. No match,
// or an `anonymous` entry reached first, is ErrNotFound; entries that all
// failed are an *AllFailedError naming each.
func (r *Resolver) Resolve(ctx context.Context, t matcher.Target) (Result, error) {
	res, _, err := r.resolve(ctx, t)
	return res, err
}

// notFound is how a not-found answer came about: settled, nothing was
// tried that could answer otherwise next time (no candidate, or an
// anonymous one first); or else the entries tried before the anonymous
// one that ended the search, each failed as the token cache's attempts
// (for the absences the engine remembered: they answer the same until
// they run out or their identity inputs change).
type notFound struct {
	settled bool
	tried   []Attempt
}

// resolve is Resolve, also saying how a not-found answer came about.
func (r *Resolver) resolve(ctx context.Context, t matcher.Target) (res Result, nf notFound, err error) {
	matches := r.candidates(ctx, t)
	if len(matches) == 0 {
		r.log.Debug("no entry matches", "request", t.String())
		return Result{}, notFound{settled: true}, ErrNotFound
	}
	r.log.Debug("entries match", "request", t.String(), "entries", entryNames(matches))
	var first *Result
	attempts, anonymous := r.walk(ctx, matches, t, nil, func(res Result) bool {
		first = &res
		return false
	})
	switch {
	case first != nil:
		first.First = first.Entry == matches[0]
		return *first, notFound{}, nil
	case anonymous:
		return Result{}, notFound{settled: len(attempts) == 0 && matches[0].Kind() == "anonymous", tried: attempts}, ErrNotFound
	}
	return Result{}, notFound{}, &AllFailedError{Target: t.String(), Attempts: attempts}
}

// walk tries entries in order and hands each credential to found, which
// says whether to go on. It stops at an `anonymous` entry (reporting so) and
// returns the entries that failed. Of entries sharing a pattern, the later
// ones are fallbacks: asked only while no earlier one has answered.
func (r *Resolver) walk(ctx context.Context, entries []*config.Entry, t matcher.Target, sa *providers.ServiceAccount, found func(Result) bool) (attempts []Attempt, anonymous bool) {
	answered := map[string]bool{}
	for _, e := range entries {
		if answered[e.Pattern().String()] {
			continue
		}
		cred, via, err := r.try(ctx, e, t, sa)
		if err != nil {
			r.log.Debug("entry skipped", "entry", e.String(), "reason", err)
			attempts = append(attempts, Attempt{Entry: e.String(), Err: err, Via: via})
			continue
		}
		if cred.Anonymous {
			r.log.Debug("anonymous entry ends the search", "entry", e.String())
			return attempts, true
		}
		r.log.Debug("credential found", "entry", e.String(), "username", cred.Username)
		answered[e.Pattern().String()] = true
		if !found(Result{Credential: cred, Entry: e, Via: via}) {
			break
		}
	}
	return attempts, false
}

// try asks one entry, through the token cache for kinds that issue tokens:
// a cache hit builds no backend at all.
func (r *Resolver) try(ctx context.Context, e *config.Entry, t matcher.Target, sa *providers.ServiceAccount) (providers.Credential, *Via, error) {
	r.log.Debug("trying entry", "entry", e.String())
	tok, err := r.identityToken(ctx, e, sa)
	if err != nil {
		return providers.Credential{}, nil, err
	}
	fetch := func(ctx context.Context) (providers.Credential, error) { return r.fetch(ctx, e, t, sa, tok) }
	if r.cache == nil || !e.Cached() {
		cred, err := fetch(ctx)
		return cred, nil, err
	}
	id := e.CacheIdentity(t, sa, r.deps.LookupEnv)
	if tok != nil {
		id = id.WithIdentityToken(*tok)
	}
	item := cache.Item{Key: id.Key, Registry: t.Registry(), Source: e.String()}
	cred, outcome, err := r.cache.Credential(ctx, item, fetch)
	r.log.Debug("cache", "entry", e.String(), "store", r.cache.Name(), "outcome", outcome.String())
	return cred, &Via{CacheIdentity: id, Store: r.cache.Name(), Outcome: outcome}, err
}

// fetch builds the entry's backend and asks it, within the entry timeout:
// backends are built only for the entries actually tried.
func (r *Resolver) fetch(ctx context.Context, e *config.Entry, t matcher.Target, sa *providers.ServiceAccount, tok *providers.IdentityToken) (providers.Credential, error) {
	b, ok := r.builders[e.Kind()]
	if !ok {
		return providers.Credential{}, fmt.Errorf("%w: no backend of kind %s in this build", providers.ErrInvalid, e.Kind())
	}
	p, err := b(e, r.deps)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("setting up %s backend: %w", e.Kind(), err)
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	req := request(e, t)
	req.ServiceAccount, req.IdentityToken = sa, tok
	cred, err := p.Credential(ctx, req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			return providers.Credential{}, fmt.Errorf("%w: no answer within %s", providers.ErrUnavailable, r.timeout)
		}
		return providers.Credential{}, err
	}
	if !cred.Anonymous && cred.Username == "" && cred.Secret == "" {
		return providers.Credential{}, fmt.Errorf("%w: backend returned an empty credential", providers.ErrInvalid)
	}
	if e.Verify && !cred.Anonymous {
		if err := r.verifyCredential(ctx, t, cred); err != nil {
			return providers.Credential{}, err
		}
	}
	return cred, nil
}

// verifyCredential is `verify: true`: the registry itself judges the
// credential. A rejection (or a repository it may not read) is an error
// wrapping providers.ErrDenied, so the next entry is tried. A registry that
// cannot be reached or judged from here accepts the credential with a
// warning: the client pulling may well reach it, and a guess is no reason
// to withhold the only candidate.
func (r *Resolver) verifyCredential(ctx context.Context, t matcher.Target, cred providers.Credential) error {
	res := verify.Checker{Client: r.deps.HTTPClient}.Check(ctx, verify.Request{
		Registry: t.Registry(), Repository: t.Path, Username: cred.Username, Secret: cred.Secret,
	})
	switch res.Status {
	case verify.Accepted, verify.NotFound:
		r.log.Debug("registry verified the credential", "registry", t.Registry(), "result", res.Status.String(), "detail", res.Detail)
		return nil
	case verify.Rejected, verify.NotReadable:
		return res.Err()
	}
	r.log.Warn("could not verify the credential; using it unverified", "registry", t.Registry(), "result", res.Status.String(), "detail", res.Detail)
	return nil
}

func request(e *config.Entry, t matcher.Target) providers.Request {
	return providers.Request{Registry: t.Registry(), Repository: t.Path, Pattern: e.Pattern().String()}
}

func entryNames(es []*config.Entry) []string {
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.String()
	}
	return names
}
