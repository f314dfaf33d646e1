package credhelper

import (
	"bytes"
	"encoding/json"
	"io"
	"time"

	"github.com/regcred/regcred/matcher"
)

// Cache-duration policy of the answers (docs/kubelet.md explains it).
const (
	// kubeletExpiryMargin is taken off the shortest remaining validity, so
	// the kubelet drops a credential before it dies, not during a pull. It
	// equals the token cache's refresh threshold.
	kubeletExpiryMargin = 5 * time.Minute
	// kubeletPartialCacheDuration caps how long an answer is cached when an
	// entry failed: a backend that was down should be asked again soon.
	kubeletPartialCacheDuration = time.Minute
)

// The kubelet's cache key types: which requests reuse an answer.
const (
	kubeletCacheImage    = "Image"
	kubeletCacheRegistry = "Registry"
)

// kubeletResponse is the wire form of CredentialProviderResponse, field for
// field and tag for tag as k8s.io/kubelet/pkg/apis/credentialprovider/v1
// (same in v1beta1 and v1alpha1) declares it, TypeMeta first.
type kubeletResponse struct {
	Kind         string `json:"kind"`
	APIVersion   string `json:"apiVersion"`
	CacheKeyType string `json:"cacheKeyType"`
	// CacheDuration is a Go duration; nil (omitted) makes the kubelet use
	// the provider's defaultCacheDuration, "0s" disables caching.
	CacheDuration *string `json:"cacheDuration,omitempty"`
	// Auth maps a kubelet match key to a credential; omitted when empty, as
	// the kubelet's own encoder does.
	Auth map[string]kubeletAuth `json:"auth,omitempty"`
}

type kubeletAuth struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// kubeletAnswer builds the response to req from what the resolver found.
// The results are in try order, so when two entries share a key the more
// specific (or, for one pattern, the earlier) entry's credential wins.
func kubeletAnswer(req kubeletRequest, r *Resolver, results []Result, failed int, now time.Time) kubeletResponse {
	resp := kubeletResponse{
		Kind:         kubeletResponseKind,
		APIVersion:   req.apiVersion,
		CacheKeyType: kubeletCacheKeyType(r, req.target),
	}
	for _, res := range results {
		key := kubeletKey(res.Entry.Pattern(), req.image)
		if _, taken := resp.Auth[key]; taken {
			continue
		}
		if resp.Auth == nil {
			resp.Auth = map[string]kubeletAuth{}
		}
		resp.Auth[key] = kubeletAuth{Username: res.Credential.Username, Password: res.Credential.Secret.Reveal()}
	}
	if d, ok := kubeletCacheDuration(results, len(resp.Auth) == 0, failed > 0, now); ok {
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
			return kubeletCacheImage
		}
	}
	return kubeletCacheRegistry
}

// kubeletCacheDuration returns how long the kubelet may keep the answer,
// and false to leave it to the provider's defaultCacheDuration (every
// credential long-lived). An empty answer is not cached, so a config change
// or a backend coming back takes effect on the next pull.
func kubeletCacheDuration(results []Result, empty, partial bool, now time.Time) (time.Duration, bool) {
	if empty {
		return 0, true
	}
	var d time.Duration
	found := false
	for _, res := range results {
		exp := res.Credential.ExpiresAt
		if exp.IsZero() {
			continue
		}
		left := max(exp.Sub(now)-kubeletExpiryMargin, 0)
		if !found || left < d {
			d, found = left, true
		}
	}
	if partial && (!found || d > kubeletPartialCacheDuration) {
		return kubeletPartialCacheDuration, true
	}
	// Whole seconds: the kubelet would accept "1h2m3.456789s", but a
	// person reading the answer should not have to.
	return d.Truncate(time.Second), found
}

// writeKubeletResponse writes resp in one call, so the kubelet never reads
// half an answer. HTML escaping is off: it is JSON for a program, and
// passwords stay byte for byte what the backend gave.
func writeKubeletResponse(w io.Writer, resp kubeletResponse) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(resp); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
