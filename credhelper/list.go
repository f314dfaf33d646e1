package credhelper

import (
	"context"
	"errors"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/loginstore"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers/helperexec"
)

// listing answers `list`, which clients use to enumerate credentials:
// docker's GetAllCredentials (`docker run --use-api-socket`, the legacy
// builder) runs `get` on every server listed and fails the whole command on
// the first error that is not "not found"; regclient learns its hosts from
// it. So `list` names a server only when a `get` for it cannot fail and
// needs nothing beyond this machine (docs/clients.md says why):
//
//   - every stored `docker login`, under the server it was stored with
//     (`https://index.docker.io/v1/` stays that), with its username: its
//     login answers a get whatever the entries before it do;
//   - every exact host of the config file whose get this machine answers
//     now, walking the same candidates in the same order as get: local
//     sources (static, a stored login) are read, one that fails is skipped
//     as get skips it, and a backend that would be called (a token kind
//     with no fresh token in the cache, a `verify: true` entry, a `helper`
//     entry, a dockerConfig whose file defers to another helper) or an
//     `anonymous` entry ends the walk unlisted.
//
// Globbed and built-in entries name no server and are left out. No
// backend is called: an entry for another registry, broken or down, never
// shows here; a direct get for its own registry still says why it fails.
func listing(ctx context.Context, r *Resolver) map[string]string {
	ctx = helperexec.NoRun(ctx) // a dockerConfig naming a credsStore asks it only on get
	logins := map[string]loginstore.Login{}
	var registries []string
	for _, e := range r.Entries()[:r.configEntries] {
		if p := e.Pattern(); !p.HasGlob() {
			registries = append(registries, p.HostPort())
		}
	}
	if r.logins != nil {
		stored, err := r.logins.Logins(ctx)
		if err != nil {
			r.log.Warn("listing stored logins failed", "error", err)
		}
		for _, l := range stored {
			logins[l.Registry] = l
			registries = append(registries, l.Registry)
		}
	}
	out := map[string]string{}
	seen := map[string]bool{}
	for _, reg := range registries {
		t, err := matcher.Normalize(reg)
		if err != nil || seen[t.Registry()] {
			continue
		}
		seen[t.Registry()] = true
		key := loginstore.DefaultKey(t.Registry())
		user, ok, anonymous := r.localAnswer(ctx, t)
		if l, stored := logins[t.Registry()]; stored && !anonymous { // get never reaches a login behind an anonymous entry
			key = l.Key()
			if !ok {
				user, ok = r.storedUsername(ctx, t.Registry())
			}
		}
		if ok {
			out[key] = user
		}
	}
	return out
}

// localKinds are the kinds whose credential is read on this machine:
// asking them calls no service.
var localKinds = map[string]bool{"static": true, "anonymous": true, "login": true}

// localAnswer walks t's candidates as get does and returns the username of
// the first credential this machine holds now; false when none answers
// before an entry that would call a backend, or an anonymous one (then
// anonymous is true: get stops there, and no later entry answers).
func (r *Resolver) localAnswer(ctx context.Context, t matcher.Target) (user string, ok, anonymous bool) {
	for _, e := range r.candidates(ctx, t) {
		switch {
		case e.Cached():
			if r.cache == nil {
				return "", false, false
			}
			id := e.CacheIdentity(t, nil, r.deps.LookupEnv)
			cred, ok := r.cache.Peek(ctx, cache.Item{Key: id.Key, Registry: t.Registry(), Source: e.String()})
			return cred.Username, ok, false
		case !localKinds[e.Kind()] || e.Verify:
			return "", false, false
		}
		cred, err := r.fetch(ctx, e, t, nil, nil)
		if errors.Is(err, helperexec.ErrNotRun) {
			return "", false, false // another helper answers it: a backend of its own
		}
		if err != nil {
			r.log.Debug("list: entry skipped", "entry", e.String(), "reason", err)
			continue
		}
		return cred.Username, !cred.Anonymous, cred.Anonymous
	}
	return "", false, false
}

// storedUsername reads registry's stored login for its username; one that
// cannot be read is not listed (its get would fail), and says so.
func (r *Resolver) storedUsername(ctx context.Context, registry string) (string, bool) {
	cred, ok, err := r.logins.Get(ctx, registry)
	if err != nil {
		r.log.Warn("a stored login cannot be read; `docker login` again replaces it", "registry", registry, "error", err)
		return "", false
	}
	return cred.Username, ok
}
