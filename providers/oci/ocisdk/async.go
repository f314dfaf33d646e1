package ocisdk

import (
	"context"
	"fmt"
	"time"

	"github.com/regcred/regcred/providers"
)

// Await runs a step that takes no context (the SDK's identity setup, its
// federation exchange) and stops waiting for it when ctx ends. The step
// keeps running in the background until its own timeouts end it: the SDK
// offers no way to cancel it, and a helper process exits soon anyway.
func Await[T any](ctx context.Context, what string, step func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := step()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, fmt.Errorf("%s: %w: gave up waiting: %w", what, providers.ErrUnavailable, ctx.Err())
	}
}

// CallBudget bounds a whole credential lookup (identity, retries) when the
// caller's context has no deadline of its own.
const CallBudget = 30 * time.Second

// Bound gives ctx a CallBudget deadline unless it has one already.
func Bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, CallBudget)
}
