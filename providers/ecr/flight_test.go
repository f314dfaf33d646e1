package ecr

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/regcred/regcred/providers"
)

func TestFlightGroupSharesOneCall(t *testing.T) {
	var g flightGroup
	var calls atomic.Int32
	release := make(chan struct{})
	fn := func() (providers.Credential, error) {
		calls.Add(1)
		<-release
		return providers.Credential{Username: "AWS", Secret: "pw"}, nil
	}
	const followers = 8
	var wg sync.WaitGroup
	results := make(chan providers.Credential, followers+1)
	leaderStarted := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		c, _ := g.do(context.Background(), "k", func() (providers.Credential, error) {
			close(leaderStarted)
			return fn()
		})
		results <- c
	}()
	<-leaderStarted
	for range followers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, _ := g.do(context.Background(), "k", fn)
			results <- c
		}()
	}
	for g.waiting("k") < followers {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	close(results)
	if n := calls.Load(); n != 1 {
		t.Errorf("fn ran %d times, want 1", n)
	}
	for c := range results {
		if c.Secret.Reveal() != "pw" {
			t.Errorf("a caller got %+v, want the shared credential", c)
		}
	}
	// The flight is over: the next call runs again.
	if _, err := g.do(context.Background(), "k", func() (providers.Credential, error) { calls.Add(1); return providers.Credential{}, nil }); err != nil || calls.Load() != 2 {
		t.Errorf("after the flight, do ran fn %d times in all (err %v), want 2", calls.Load(), err)
	}
}

func TestFlightGroupWaiterHonoursItsContext(t *testing.T) {
	var g flightGroup
	release := make(chan struct{})
	defer close(release)
	started := make(chan struct{})
	go g.do(context.Background(), "k", func() (providers.Credential, error) {
		close(started)
		<-release
		return providers.Credential{}, nil
	})
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := g.do(ctx, "k", func() (providers.Credential, error) {
		t.Error("a waiter ran its own call")
		return providers.Credential{}, nil
	})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, providers.ErrUnavailable) {
		t.Errorf("waiter error = %v, want ErrUnavailable and context.Canceled", err)
	}
}
