package ocitest

import (
	"net/http"
	"slices"
	"sync"
)

// rejections records why a fake refused requests. Each fake embeds it, so
// Rejected is theirs and reject is the callback Signed takes.
type rejections struct {
	mu      sync.Mutex
	reasons []string
}

func (r *rejections) reject(_ *http.Request, reason error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reasons = append(r.reasons, reason.Error())
}

// Rejected returns why each refused request was refused.
func (r *rejections) Rejected() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reasons)
}
