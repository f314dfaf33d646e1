package kubeletproto

import (
	"bytes"
	"encoding/json"
	"io"
	"time"
)

// Cache-duration policy of the answers (docs/kubelet.md explains it).
const (
	// ExpiryMargin is taken off the shortest remaining validity, so
	// the kubelet drops a credential before it dies, not during a pull. It
	// equals the token cache's refresh threshold.
	ExpiryMargin = 5 * time.Minute
	// PartialCacheDuration caps how long an answer is cached when an
	// entry failed: a backend that was down should be asked again soon.
	PartialCacheDuration = time.Minute
)

// The kubelet's cache key types: which requests reuse an answer.
const (
	CacheKeyImage    = "Image"
	CacheKeyRegistry = "Registry"
)

// Response is the wire form of CredentialProviderResponse, field for
// field and tag for tag as k8s.io/kubelet/pkg/apis/credentialprovider/v1
// (same in v1beta1 and v1alpha1) declares it, TypeMeta first.
type Response struct {
	Kind         string `json:"kind"`
	APIVersion   string `json:"apiVersion"`
	CacheKeyType string `json:"cacheKeyType"`
	// CacheDuration is a Go duration; nil (omitted) makes the kubelet use
	// the provider's defaultCacheDuration, "0s" disables caching.
	CacheDuration *string `json:"cacheDuration,omitempty"`
	// Auth maps a kubelet match key to a credential; omitted when empty, as
	// the kubelet's own encoder does.
	Auth map[string]Auth `json:"auth,omitempty"`
}

type Auth struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// CacheDuration returns how long the kubelet may keep the answer,
// and false to leave it to the provider's defaultCacheDuration (every
// credential long-lived). An empty answer is not cached, so a config change
// or a backend coming back takes effect on the next pull.
func CacheDuration(expiries []time.Time, empty, partial bool, now time.Time) (time.Duration, bool) {
	if empty {
		return 0, true
	}
	var d time.Duration
	found := false
	for _, exp := range expiries {
		if exp.IsZero() {
			continue
		}
		left := max(exp.Sub(now)-ExpiryMargin, 0)
		if !found || left < d {
			d, found = left, true
		}
	}
	if partial && (!found || d > PartialCacheDuration) {
		return PartialCacheDuration, true
	}
	// Whole seconds: the kubelet would accept "1h2m3.456789s", but a
	// person reading the answer should not have to.
	return d.Truncate(time.Second), found
}

// WriteResponse writes resp in one call, so the kubelet never reads
// half an answer. HTML escaping is off: it is JSON for a program, and
// passwords stay byte for byte what the backend gave.
func WriteResponse(w io.Writer, resp Response) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(resp); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
