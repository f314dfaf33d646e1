package credhelper

import (
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

// Candidates are the entries that may answer a request, in try order. A
// request without a pod's service-account token (docker, the kubelet's
// node-identity providers) gets every match. One plugin answers every pod
// of a node, so a request with a token gets only the entries that log in
// with that token (config.Entry.UsesPodIdentity) and those that opted in
// with answersAnyPod: the credential comes from the pod's identity or from
// nothing, and a failing pod-identity entry never falls back to the node's
// identity (ambient cloud credentials, the built-in entries, AppRole or
// token logins, static secrets, `anonymous`).
func (r *Resolver) Candidates(t matcher.Target, sa *providers.ServiceAccount) []*config.Entry {
	matches := r.Match(t)
	if sa == nil {
		return matches
	}
	keep, withheld := splitForPod(matches)
	if len(withheld) > 0 {
		r.log.Debug("entries withheld from a request with a service-account token: they answer as the node, not as the pod (answersAnyPod: true opts one in)",
			"request", t.String(), "entries", entryNames(withheld))
	}
	return keep
}

// splitForPod separates the entries that may answer a pod's request from
// those that may not.
func splitForPod(entries []*config.Entry) (keep, withheld []*config.Entry) {
	for _, e := range entries {
		if e.AnswersPod() {
			keep = append(keep, e)
		} else {
			withheld = append(withheld, e)
		}
	}
	return keep, withheld
}
