package credhelper

import (
	"context"

	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

// ResolveAll asks every matching entry, in try order, and returns each
// credential found; the kubelet wants them all, to try in turn until a pull
// succeeds. An `anonymous` entry stops the walk as in Resolve. Failures are
// returned as attempts; one failing entry never hides the others' results.
// Of entries sharing a pattern, the first that answers is the only one asked.
func (r *Resolver) ResolveAll(ctx context.Context, t matcher.Target, sa *providers.ServiceAccount) ([]Result, []Attempt) {
	var results []Result
	var attempts []Attempt
	answered := map[string]bool{}
	for _, e := range r.Match(t) {
		if answered[e.pattern.String()] {
			// A same-pattern entry is a fallback; its primary answered.
			continue
		}
		cred, err := r.try(ctx, e, t, sa)
		if err != nil {
			r.log.Debug("entry skipped", "entry", e.String(), "reason", err)
			attempts = append(attempts, Attempt{Entry: e.String(), Err: err})
			continue
		}
		if cred.Anonymous {
			r.log.Debug("anonymous entry ends the search", "entry", e.String())
			break
		}
		answered[e.pattern.String()] = true
		results = append(results, Result{Credential: cred, Entry: e})
	}
	return results, attempts
}
