package controller

import (
	"context"
	"sync"
	"time"

	"github.com/regcred/regcred/credhelper/pullsecret"
)

// Resolver yields a registry's current credential (credhelper.PullResolver).
type Resolver interface {
	Auth(ctx context.Context, registry string) (pullsecret.Auth, error)
}

// credStore keeps each registry's last good credential and when to refresh
// it: at half its lifetime, less jitter. A registry's lock is held across
// the backend call, so however many namespaces ask at once, one call is
// made per refresh.
type credStore struct {
	resolve Resolver
	now     func() time.Time
	jitter  func(time.Duration) time.Duration
	// noExpiry is how often a credential without an expiry is re-read, so
	// a rotated static or Vault secret reaches the cluster.
	noExpiry time.Duration
	// retry is how soon a failed registry is asked again.
	retry   time.Duration
	metrics *metrics

	mu   sync.Mutex
	regs map[string]*regCred
}

type regCred struct {
	mu   sync.Mutex
	have bool
	auth pullsecret.Auth
	due  time.Time
	// err is the last refresh's failure until one succeeds: every
	// namespace's reconcile reports it, not only the one that made the call.
	err error
}

// credResult is one registry's answer for a reconcile.
type credResult struct {
	auth pullsecret.Auth
	have bool // auth holds a credential that has not expired
	due  time.Time
	err  error // the last refresh failed (auth may still be the last good one)
}

func (s *credStore) get(ctx context.Context, registry string) credResult {
	s.mu.Lock()
	rc := s.regs[registry]
	if rc == nil {
		rc = &regCred{}
		s.regs[registry] = rc
	}
	s.mu.Unlock()

	rc.mu.Lock()
	defer rc.mu.Unlock()
	now := s.now()
	if now.Before(rc.due) {
		return credResult{auth: rc.auth, have: rc.have, due: rc.due, err: rc.err}
	}
	auth, err := s.resolve.Auth(ctx, registry)
	if err != nil {
		s.metrics.failures.WithLabelValues(registry).Inc()
		valid := rc.have && (rc.auth.ExpiresAt.IsZero() || now.Before(rc.auth.ExpiresAt))
		rc.have, rc.err = valid, err
		rc.due = now.Add(s.retryAfter(now, rc.auth.ExpiresAt))
		return credResult{auth: rc.auth, have: valid, due: rc.due, err: err}
	}
	s.metrics.refreshes.WithLabelValues(registry).Inc()
	rc.have, rc.auth, rc.err, rc.due = true, auth, nil, now.Add(s.refreshAfter(now, auth.ExpiresAt))
	return credResult{auth: auth, have: true, due: rc.due}
}

// refreshAfter is half the credential's lifetime, less up to a tenth of
// that as jitter so replicas' and registries' refreshes spread out.
func (s *credStore) refreshAfter(now, expires time.Time) time.Duration {
	life := s.noExpiry
	if !expires.IsZero() {
		life = expires.Sub(now)
	}
	half := life / 2
	if half <= 0 {
		return s.retry
	}
	return half - s.jitter(half/10)
}

// retryAfter is s.retry, or sooner when the last good credential expires
// before that, so its replacement is tried while it still works.
func (s *credStore) retryAfter(now, expires time.Time) time.Duration {
	if left := expires.Sub(now) / 2; !expires.IsZero() && left > 0 && left < s.retry {
		return left
	}
	return s.retry
}
