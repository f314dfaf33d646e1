package credhelper

import (
	"context"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

// ResolveAll asks every candidate entry (see Candidates), in try order, and
// returns each credential found; the kubelet wants them all, to try in turn
// until a pull succeeds. An `anonymous` entry stops the walk as in Resolve.
// Failures are returned as attempts; one failing entry never hides the
// others' results. Of entries sharing a pattern, the first that answers is
// the only one asked.
func (r *Resolver) ResolveAll(ctx context.Context, t matcher.Target, sa *providers.ServiceAccount) ([]Result, []Attempt) {
	return r.resolveEach(ctx, r.Candidates(t, sa), t, sa)
}

// resolveEach is ResolveAll over the given candidates.
func (r *Resolver) resolveEach(ctx context.Context, entries []*config.Entry, t matcher.Target, sa *providers.ServiceAccount) ([]Result, []Attempt) {
	var results []Result
	attempts, _ := r.walk(ctx, entries, t, sa, func(res Result) bool {
		results = append(results, res)
		return true
	})
	return results, attempts
}
