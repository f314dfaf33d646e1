package credhelper

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

// DefaultEntryTimeout bounds one backend call, so a dead backend costs
// seconds before the next entry is tried, not the client's whole patience.
const DefaultEntryTimeout = 20 * time.Second

// Resolver finds the entries matching a request and asks their backends,
// most specific first, until one yields a credential.
type Resolver struct {
	entries  []*Entry
	patterns []matcher.Pattern
	deps     providers.Deps
	log      *slog.Logger
	timeout  time.Duration
}

// Result is a credential and the entry that produced it.
type Result struct {
	Credential providers.Credential
	Entry      *Entry
}

// NewResolver takes the config's entries (and the built-in ones unless the
// config turned them off).
func NewResolver(cfg *Config, deps providers.Deps) *Resolver {
	r := &Resolver{deps: deps, log: deps.Logger, timeout: DefaultEntryTimeout}
	for i := range cfg.Registries {
		r.entries = append(r.entries, &cfg.Registries[i])
	}
	if cfg.Defaults == nil || *cfg.Defaults {
		r.entries = append(r.entries, builtinEntries()...)
	}
	r.patterns = make([]matcher.Pattern, len(r.entries))
	for i, e := range r.entries {
		r.patterns[i] = e.pattern
	}
	return r
}

// Entries returns every entry, config order, built-ins last.
func (r *Resolver) Entries() []*Entry { return r.entries }

// Match returns the entries matching t, in the order they are tried.
func (r *Resolver) Match(t matcher.Target) []*Entry {
	idx := matcher.Order(r.patterns, t)
	out := make([]*Entry, len(idx))
	for i, j := range idx {
		out[i] = r.entries[j]
	}
	return out
}

// Resolve returns the first credential a matching entry yields. No match,
// or an `anonymous` entry reached first, is ErrNotFound; entries that all
// failed are an *AllFailedError naming each.
func (r *Resolver) Resolve(ctx context.Context, t matcher.Target) (Result, error) {
	matches := r.Match(t)
	if len(matches) == 0 {
		r.log.Debug("no entry matches", "request", t.String())
		return Result{}, ErrNotFound
	}
	r.log.Debug("entries match", "request", t.String(), "entries", entryNames(matches))
	var attempts []Attempt
	for _, e := range matches {
		cred, err := r.try(ctx, e, t, nil)
		if err != nil {
			r.log.Debug("entry skipped", "entry", e.String(), "reason", err)
			attempts = append(attempts, Attempt{Entry: e.String(), Err: err})
			continue
		}
		if cred.Anonymous {
			r.log.Debug("anonymous entry ends the search", "entry", e.String())
			return Result{}, ErrNotFound
		}
		r.log.Debug("credential found", "entry", e.String(), "username", cred.Username)
		return Result{Credential: cred, Entry: e}, nil
	}
	return Result{}, &AllFailedError{Target: t.String(), Attempts: attempts}
}

// try asks one entry's backend, building it first: backends are built only
// for the entries actually tried.
func (r *Resolver) try(ctx context.Context, e *Entry, t matcher.Target, sa *providers.ServiceAccount) (providers.Credential, error) {
	r.log.Debug("trying entry", "entry", e.String())
	p, err := e.kind.build(e, r.deps)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("setting up %s backend: %w", e.kind.name, err)
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	req := request(e, t)
	req.ServiceAccount = sa
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
	return cred, nil
}

func request(e *Entry, t matcher.Target) providers.Request {
	return providers.Request{Registry: t.Registry(), Repository: t.Path, Pattern: e.pattern.String()}
}

func entryNames(es []*Entry) []string {
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.String()
	}
	return names
}
