package credhelper

import (
	"time"

	"github.com/regcred/regcred/credhelper/kubeletproto"
	"github.com/regcred/regcred/matcher"
)

// kubeletAnswer builds the response to req from what the resolver found.
// The results are in try order, so when two entries share a key the more
// specific (or, for one pattern, the earlier) entry's credential wins.
func kubeletAnswer(req kubeletproto.Request, r *Resolver, results []Result, failed int, now time.Time) kubeletproto.Response {
	resp := kubeletproto.Response{
		Kind:         kubeletproto.ResponseKind,
		APIVersion:   req.APIVersion,
		CacheKeyType: kubeletCacheKeyType(r, req.Target),
	}
	for _, res := range results {
		key := kubeletproto.Key(res.Entry.Pattern(), req.Image)
		if _, taken := resp.Auth[key]; taken {
			continue
		}
		if resp.Auth == nil {
			resp.Auth = map[string]kubeletproto.Auth{}
		}
		resp.Auth[key] = kubeletproto.Auth{Username: res.Credential.Username, Password: res.Credential.Secret.Reveal()}
	}
	expiries := make([]time.Time, len(results))
	for i, res := range results {
		expiries[i] = res.Credential.ExpiresAt
	}
	if d, ok := kubeletproto.CacheDuration(expiries, len(resp.Auth) == 0, failed > 0, now); ok {
		s := d.String()
		resp.CacheDuration = &s
	}
	return resp
}

// kubeletCacheKeyType is Image when the registry has path-scoped entries,
// else Registry. The kubelet matches a key's path as a raw prefix and,
// under Registry, reuses one answer for every image of the registry: an
// answer for reg.io/team-a would then serve reg.io/team-ab, and an answer
// for reg.io/app (host-level key only) would hide the team entry from
// reg.io/team/x. Asking the resolver about the bare registry lists every
// entry of that host, path-scoped ones included.
func kubeletCacheKeyType(r *Resolver, t matcher.Target) string {
	for _, e := range r.Match(matcher.Target{Host: t.Host, Port: t.Port}) {
		if e.Pattern().Path() != "" {
			return kubeletproto.CacheKeyImage
		}
	}
	return kubeletproto.CacheKeyRegistry
}
