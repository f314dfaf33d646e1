package ecr

import (
	"context"
	"fmt"
	"sync"

	"github.com/regcred/regcred/providers"
)

// flightGroup makes concurrent requests for one key share one call: ECR
// allows about 20 GetAuthorizationToken calls per second per account and
// region, and a node starting many pods must not spend them all at once.
// (Across processes, the token cache's lock does the same.)
type flightGroup struct {
	mu    sync.Mutex
	calls map[string]*flight
}

type flight struct {
	done    chan struct{}
	waiters int // callers sharing this flight; guarded by flightGroup.mu
	cred    providers.Credential
	err     error
}

// do runs fn for key unless a call for key is already running, in which
// case it waits for that call's result or for ctx to end. The shared call
// runs under its first caller's context.
func (g *flightGroup) do(ctx context.Context, key string, fn func() (providers.Credential, error)) (providers.Credential, error) {
	g.mu.Lock()
	if f, ok := g.calls[key]; ok {
		f.waiters++
		g.mu.Unlock()
		select {
		case <-f.done:
			return f.cred, f.err
		case <-ctx.Done():
			return providers.Credential{}, fmt.Errorf("ecr: waiting for a token request already under way: %w: %w", providers.ErrUnavailable, ctx.Err())
		}
	}
	if g.calls == nil {
		g.calls = map[string]*flight{}
	}
	f := &flight{done: make(chan struct{})}
	g.calls[key] = f
	g.mu.Unlock()

	defer func() {
		g.mu.Lock()
		delete(g.calls, key)
		g.mu.Unlock()
		close(f.done)
	}()
	f.cred, f.err = fn()
	return f.cred, f.err
}

// waiting is how many callers wait on the flight for key (for tests).
func (g *flightGroup) waiting(key string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f, ok := g.calls[key]; ok {
		return f.waiters
	}
	return 0
}
