package check

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/cli"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/verify"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

// Report is what `check` found; `--output json` prints it as is.
type Report struct {
	Config  ConfigStatus `json:"config"`
	Entries []Entry      `json:"entries"`
	Checks  []Result     `json:"checks"`
	Notes   []string     `json:"notes,omitempty"`
	// NothingVerified: --verify was asked and no check reached a registry.
	NothingVerified bool `json:"nothingVerified,omitempty"`
	// Kubelet is what --kubelet-config found; nil without it.
	Kubelet *KubeletReport `json:"kubelet,omitempty"`
	OK      bool           `json:"ok"`
}

type ConfigStatus struct {
	// Path is the file read; "" when none exists (built-in entries only).
	Path     string   `json:"path"`
	Valid    bool     `json:"valid"`
	Problems []string `json:"problems,omitempty"`
}

type Entry struct {
	Index    int    `json:"index"` // 1-based, config order, built-ins last
	Name     string `json:"name,omitempty"`
	Match    string `json:"match"`
	Kind     string `json:"kind"`
	Identity string `json:"identity,omitempty"` // where its identity comes from, when the kind says (gcr: "gcloud login" …)
	Source   string `json:"source"`
	Verify   bool   `json:"verify,omitempty"`
	Serves   string `json:"serves"`
	Builtin  bool   `json:"builtin,omitempty"`
	// IdentityToken, for a keyless entry, says where its identity token
	// would come from.
	IdentityToken string `json:"identityToken,omitempty"`
}

// Outcomes of one check.
const (
	OutcomeCredential = "credential"
	OutcomeAnonymous  = "anonymous"
	OutcomeNoMatch    = "no match"
	OutcomeFailed     = "failed"
	OutcomeSkipped    = "skipped"
)

type Result struct {
	// Request is the registry or image checked (normalised).
	Request string `json:"request"`
	// Entry is the entry that answered (or was checked), as in errors.
	Entry    string         `json:"entry,omitempty"`
	Outcome  string         `json:"outcome"`
	Username string         `json:"username,omitempty"`
	Expires  *time.Time     `json:"expires,omitempty"`
	Cache    string         `json:"cache,omitempty"`
	Attempts []Attempt      `json:"attempts,omitempty"`
	Verify   *verify.Result `json:"verify,omitempty"`
	// IdentityToken is what --verify saw of a keyless entry's token.
	IdentityToken *TokenClaims `json:"identityToken,omitempty"`
	Detail        string       `json:"detail,omitempty"`
	OK            bool         `json:"ok"`
}

type Attempt struct {
	Entry string `json:"entry"`
	Error string `json:"error"`
}

func (c *Runner) report(ctx context.Context, opts options, targets []matcher.Target) *Report {
	rep := &Report{Entries: []Entry{}, Checks: []Result{}}
	r, path, err := c.Open()
	if err != nil {
		rep.Config.Problems = configProblems(err)
		return rep
	}
	rep.Config = ConfigStatus{Path: path, Valid: true}
	rep.Entries = describeEntries(r)
	for i, e := range r.Entries() {
		rep.Entries[i].IdentityToken = c.identityTokenFrom(e)
	}
	cc := checker{run: c, r: r, opts: opts}
	if len(targets) == 0 {
		// The config's entries and the stored logins. Built-in entries are
		// listed but not resolved unasked: they need a cloud identity this
		// machine may rightly not have; name a registry to check one.
		for _, e := range r.Entries()[:r.ConfigEntries()] {
			rep.Checks = append(rep.Checks, cc.entry(ctx, e))
		}
		for _, e := range r.StoredLogins(ctx) {
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
	if opts.verify && !anyVerified(rep.Checks) {
		// --verify is a promise to prove something at a registry: a report
		// that proved nothing (every entry a glob, or skipped) must not pass
		// a CI job.
		rep.NothingVerified, rep.OK = true, false
	}
	return rep
}

func anyVerified(checks []Result) bool {
	for _, ch := range checks {
		if ch.Verify != nil {
			return true
		}
	}
	return false
}

// nothingVerifiedHint says how to give --verify something to prove.
const nothingVerifiedHint = "--verify proved nothing: no check reached a registry (a glob pattern names none); name a request, e.g. check --verify registry.example.com/team/app"

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

func describeEntries(r Resolver) []Entry {
	entries := r.Entries()
	out := make([]Entry, len(entries))
	for i, e := range entries {
		out[i] = Entry{Index: i + 1, Name: e.Name, Match: e.Pattern().String(), Kind: e.Kind(), Identity: e.IdentitySource(),
			Source: e.Source(), Verify: e.Verify, Serves: serves(entries, i), Builtin: i >= r.ConfigEntries()}
	}
	return out
}

// checker runs the checks of one report.
type checker struct {
	run  *Runner
	r    Resolver
	opts options
}

// entry checks one entry on its own, for the request its pattern names.
// A globbed pattern names no registry, so it is skipped with a hint.
func (c checker) entry(ctx context.Context, e *config.Entry) Result {
	res := Result{Request: e.Pattern().String(), Entry: e.String()}
	if e.Pattern().HasGlob() {
		res.Outcome, res.OK = OutcomeSkipped, true
		res.Detail = "a glob pattern names no registry; check it with a request it matches: check <registry>"
		return res
	}
	t, err := matcher.Normalize(e.Pattern().String())
	if err != nil {
		res.Outcome, res.Detail = OutcomeFailed, err.Error()
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
func (c checker) request(ctx context.Context, t matcher.Target) Result {
	res := Result{Request: t.String()}
	entries := c.r.Candidates(ctx, t)
	if len(entries) == 0 {
		res.Outcome = OutcomeNoMatch
		res.Detail = "no entry matches; the client gets \"not found\" and pulls anonymously"
		return res
	}
	for _, e := range entries {
		res.Entry = e.String()
		if c.tryEntry(ctx, e, t, t, &res) {
			return res
		}
		res.Attempts = append(res.Attempts, Attempt{Entry: e.String(), Error: res.Detail})
	}
	res.Entry, res.Outcome, res.OK = "", OutcomeFailed, false
	res.Detail = fmt.Sprintf("all %d matching entr%s failed", len(entries), cli.Plural(len(entries), "y", "ies"))
	return res
}

// tryEntry resolves e for t into res and, when asked, verifies the
// credential against vt (t, or t without its path). It reports whether e
// yielded an answer (a credential or anonymous).
func (c checker) tryEntry(ctx context.Context, e *config.Entry, t, vt matcher.Target, res *Result) bool {
	res.Cache = c.cacheState(ctx, e, t)
	if c.opts.verify {
		res.IdentityToken = c.run.identityTokenClaims(ctx, e)
	}
	cred, err := c.r.Try(ctx, e, t)
	if err != nil {
		res.Outcome, res.OK, res.Detail = OutcomeFailed, false, err.Error()
		return false
	}
	if cred.Anonymous {
		res.Outcome, res.OK = OutcomeAnonymous, true
		res.Detail = "the client pulls without credentials"
		return true
	}
	res.Outcome, res.OK, res.Detail = OutcomeCredential, true, ""
	res.Username = cred.Username
	if !cred.ExpiresAt.IsZero() {
		exp := cred.ExpiresAt
		res.Expires = &exp
	}
	if c.opts.verify {
		v := verify.Checker{Client: c.run.HTTPClient, AllowHTTP: c.opts.allowHTTP}.Check(ctx, verify.Request{
			Registry: vt.Registry(), Repository: vt.Path, Username: cred.Username, Secret: cred.Secret,
		})
		res.Verify = &v
		res.OK = v.OK()
		if !v.OK() {
			res.Detail = "the registry's verdict: " + v.Status.String() + ": " + v.Detail + secretSourceHint(e, v)
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
	case c.r.Cache() == nil || c.r.Cache().Name() == "none":
		return "cache off"
	}
	if _, keyless := e.IdentityToken(); keyless {
		return "keyed by the identity token's iss, sub and aud: looked up when a request fetches it"
	}
	key := e.CacheKey(t, nil, c.run.LookupEnv)
	if a, ok := c.r.Cache().Absent(ctx, cache.Item{Key: key, Registry: t.Registry(), Source: e.String()}); ok {
		return fmt.Sprintf("identity remembered as absent since %s, until %s (cache.negativeTTL; `cache clear` forgets it)",
			a.StoredAt.Format(time.RFC3339), a.Until.Format(time.RFC3339))
	}
	infos, err := c.r.Cache().List(ctx)
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
		if !in.ExpiresAt.After(c.run.Now()) {
			return "expired in " + in.Store
		}
		return fmt.Sprintf("cached in %s until %s", in.Store, in.ExpiresAt.Format(time.RFC3339))
	}
	return "not cached"
}

func (rep *Report) summary() string {
	if !rep.Config.Valid {
		return fmt.Sprintf("the config has %d problem%s", len(rep.Config.Problems), cli.Plural(len(rep.Config.Problems), "", "s"))
	}
	if rep.NothingVerified {
		return nothingVerifiedHint
	}
	failed := 0
	for _, ch := range rep.Checks {
		if !ch.OK {
			failed++
		}
	}
	return fmt.Sprintf("%d of %d check%s failed", failed, len(rep.Checks), cli.Plural(len(rep.Checks), "", "s"))
}

// secretSourceHint, for a credential the registry rejected, names where the
// entry's secret comes from: that is what to rotate or fix.
func secretSourceHint(e *config.Entry, v verify.Result) string {
	if v.Status != verify.Rejected {
		return ""
	}
	if s, ok := e.Settings().(providers.SecretSource); ok && s.SecretSource() != "" {
		return "; the password comes from " + s.SecretSource() + ": check it is current (docs/troubleshooting.md)"
	}
	return "; the " + e.Kind() + " backend answered it: check the secret where that backend keeps it (docs/troubleshooting.md)"
}
