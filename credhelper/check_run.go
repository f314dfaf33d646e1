package credhelper

import (
	"context"
	"fmt"
	"github.com/regcred/regcred/credhelper/cli"
	"strings"
	"time"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/verify"
	"github.com/regcred/regcred/matcher"
)

// checkReport is what `check` found; `--output json` prints it as is.
type checkReport struct {
	Config  checkConfig   `json:"config"`
	Entries []checkEntry  `json:"entries"`
	Checks  []checkResult `json:"checks"`
	Notes   []string      `json:"notes,omitempty"`
	// Kubelet is what --kubelet-config found; nil without it.
	Kubelet *checkKubelet `json:"kubelet,omitempty"`
	OK      bool          `json:"ok"`
}

type checkConfig struct {
	// Path is the file read; "" when none exists (built-in entries only).
	Path     string   `json:"path"`
	Valid    bool     `json:"valid"`
	Problems []string `json:"problems,omitempty"`
}

type checkEntry struct {
	Index   int    `json:"index"` // 1-based, config order, built-ins last
	Name    string `json:"name,omitempty"`
	Match   string `json:"match"`
	Kind    string `json:"kind"`
	Source  string `json:"source"`
	Verify  bool   `json:"verify,omitempty"`
	Serves  string `json:"serves"`
	Builtin bool   `json:"builtin,omitempty"`
}

// Outcomes of one check.
const (
	outcomeCredential = "credential"
	outcomeAnonymous  = "anonymous"
	outcomeNoMatch    = "no match"
	outcomeFailed     = "failed"
	outcomeSkipped    = "skipped"
)

type checkResult struct {
	// Request is the registry or image checked (normalised).
	Request string `json:"request"`
	// Entry is the entry that answered (or was checked), as in errors.
	Entry    string         `json:"entry,omitempty"`
	Outcome  string         `json:"outcome"`
	Username string         `json:"username,omitempty"`
	Expires  *time.Time     `json:"expires,omitempty"`
	Cache    string         `json:"cache,omitempty"`
	Attempts []checkAttempt `json:"attempts,omitempty"`
	Verify   *verify.Result `json:"verify,omitempty"`
	Detail   string         `json:"detail,omitempty"`
	OK       bool           `json:"ok"`
}

type checkAttempt struct {
	Entry string `json:"entry"`
	Error string `json:"error"`
}

func (a *App) runCheck(ctx context.Context, opts checkOptions, targets []matcher.Target) *checkReport {
	rep := &checkReport{Entries: []checkEntry{}, Checks: []checkResult{}}
	cfg, err := config.LoadConfig(a.ConfigPath, a.Env, a.Deps.Logger)
	if err != nil {
		rep.Config.Problems = configProblems(err)
		return rep
	}
	rep.Config = checkConfig{Path: cfg.Path, Valid: true}
	c, err := a.openCache(cfg)
	if err != nil {
		rep.Config.Valid = false
		rep.Config.Problems = []string{err.Error()}
		return rep
	}
	r := NewResolver(cfg, a.Deps, c, a.openLogins(cfg))
	rep.Entries = describeEntries(r)
	cc := checker{app: a, r: r, opts: opts}
	if len(targets) == 0 {
		// The config's entries and the stored logins. Built-in entries are
		// listed but not resolved unasked: they need a cloud identity this
		// machine may rightly not have; name a registry to check one.
		for _, e := range r.Entries()[:r.configEntries] {
			rep.Checks = append(rep.Checks, cc.entry(ctx, e))
		}
		for _, e := range storedLogins(ctx, r) {
			rep.Checks = append(rep.Checks, cc.entry(ctx, e))
		}
	} else {
		for _, t := range targets {
			rep.Checks = append(rep.Checks, cc.request(ctx, t))
		}
	}
	rep.Notes = cc.dockerConfigNotes()
	rep.OK = true
	for _, ch := range rep.Checks {
		rep.OK = rep.OK && ch.OK
	}
	return rep
}

// configProblems splits the loader's error (one problem per line, each
// with file:line) into a list.
func configProblems(err error) []string {
	var out []string
	for _, line := range splitLines(err.Error()) {
		line = strings.TrimPrefix(strings.TrimPrefix(line, config.ErrConfig.Error()+":"), " ")
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}

func describeEntries(r *Resolver) []checkEntry {
	out := make([]checkEntry, len(r.Entries()))
	for i, e := range r.Entries() {
		out[i] = checkEntry{Index: i + 1, Name: e.Name, Match: e.Pattern().String(), Kind: e.Kind(),
			Source: e.Source(), Verify: e.Verify, Serves: serves(r, i), Builtin: i >= r.configEntries}
	}
	return out
}

// checker runs the checks of one report.
type checker struct {
	app  *App
	r    *Resolver
	opts checkOptions
}

// entry checks one entry on its own, for the request its pattern names.
// A globbed pattern names no registry, so it is skipped with a hint.
func (c checker) entry(ctx context.Context, e *config.Entry) checkResult {
	res := checkResult{Request: e.Pattern().String(), Entry: e.String()}
	if e.Pattern().HasGlob() {
		res.Outcome, res.OK = outcomeSkipped, true
		res.Detail = "a glob pattern names no registry; check it with a request it matches: check <registry>"
		return res
	}
	t, err := matcher.Normalize(e.Pattern().String())
	if err != nil {
		res.Outcome, res.Detail = outcomeFailed, err.Error()
		return res
	}
	// The pattern's path is a prefix, not necessarily a repository: the
	// entry is asked, and its credential verified, for the registry alone.
	reg := matcher.Target{Host: t.Host, Port: t.Port}
	c.tryEntry(ctx, e, reg, reg, &res)
	return res
}

// request checks what a client asking for t would get: the entries in the
// order they are tried, the first that yields a credential, and those that
// failed before it.
func (c checker) request(ctx context.Context, t matcher.Target) checkResult {
	res := checkResult{Request: t.String()}
	entries := c.r.candidates(ctx, t)
	if len(entries) == 0 {
		res.Outcome = outcomeNoMatch
		res.Detail = "no entry matches; the client gets \"not found\" and pulls anonymously"
		return res
	}
	for _, e := range entries {
		res.Entry = e.String()
		if c.tryEntry(ctx, e, t, t, &res) {
			return res
		}
		res.Attempts = append(res.Attempts, checkAttempt{Entry: e.String(), Error: res.Detail})
	}
	res.Entry, res.Outcome, res.OK = "", outcomeFailed, false
	res.Detail = fmt.Sprintf("all %d matching entr%s failed", len(entries), cli.Plural(len(entries), "y", "ies"))
	return res
}

// tryEntry resolves e for t into res and, when asked, verifies the
// credential against vt (t, or t without its path). It reports whether e
// yielded an answer (a credential or anonymous).
func (c checker) tryEntry(ctx context.Context, e *config.Entry, t, vt matcher.Target, res *checkResult) bool {
	res.Cache = c.cacheState(ctx, e, t)
	cred, _, err := c.r.try(ctx, e, t, nil)
	if err != nil {
		res.Outcome, res.OK, res.Detail = outcomeFailed, false, err.Error()
		return false
	}
	if cred.Anonymous {
		res.Outcome, res.OK = outcomeAnonymous, true
		res.Detail = "the client pulls without credentials"
		return true
	}
	res.Outcome, res.OK, res.Detail = outcomeCredential, true, ""
	res.Username = cred.Username
	if !cred.ExpiresAt.IsZero() {
		exp := cred.ExpiresAt
		res.Expires = &exp
	}
	if c.opts.verify {
		v := verify.Checker{Client: c.app.Deps.HTTPClient, AllowHTTP: c.opts.allowHTTP}.Check(ctx, verify.Request{
			Registry: vt.Registry(), Repository: vt.Path, Username: cred.Username, Secret: cred.Secret,
		})
		res.Verify = &v
		res.OK = v.OK()
		if !v.OK() {
			res.Detail = "the registry's verdict: " + v.Status.String() + ": " + v.Detail
		}
	}
	return true
}

// cacheState says what the token cache holds for e and t before the check
// fetches anything: the state a client's next request would find.
func (c checker) cacheState(ctx context.Context, e *config.Entry, t matcher.Target) string {
	switch {
	case e.Kind() == "login":
		return "stored login"
	case !e.Cached():
		return "not cached (local source)"
	case c.r.cache == nil || c.r.cache.Name() == "none":
		return "cache off"
	}
	key := e.CacheKey(t, nil, c.r.deps.LookupEnv)
	infos, err := c.r.cache.List(ctx)
	if err != nil && len(infos) == 0 {
		return "cache unreadable: " + err.Error()
	}
	for _, in := range infos {
		if in.Key != key {
			continue
		}
		if in.Damaged != "" {
			return "cache record unreadable (it will be replaced): " + in.Damaged
		}
		if !in.ExpiresAt.After(c.app.Deps.Now()) {
			return "expired in " + in.Store
		}
		return fmt.Sprintf("cached in %s until %s", in.Store, in.ExpiresAt.Format(time.RFC3339))
	}
	return "not cached"
}

func (rep *checkReport) summary() string {
	if !rep.Config.Valid {
		return fmt.Sprintf("the config has %d problem%s", len(rep.Config.Problems), cli.Plural(len(rep.Config.Problems), "", "s"))
	}
	failed := 0
	for _, ch := range rep.Checks {
		if !ch.OK {
			failed++
		}
	}
	return fmt.Sprintf("%d of %d check%s failed", failed, len(rep.Checks), cli.Plural(len(rep.Checks), "", "s"))
}

// storedLogins are the entries standing for `docker login`s regcred keeps,
// so that `check` resolves (and verifies) them too.
func storedLogins(ctx context.Context, r *Resolver) []*config.Entry {
	if r.logins == nil {
		return nil
	}
	regs, err := r.logins.Registries(ctx)
	if err != nil {
		r.log.Warn("listing stored logins failed", "error", err)
	}
	var out []*config.Entry
	for _, reg := range regs {
		t, err := matcher.Normalize(reg)
		if err != nil {
			continue
		}
		if e := loginEntry(t); e != nil {
			out = append(out, e)
		}
	}
	return out
}
