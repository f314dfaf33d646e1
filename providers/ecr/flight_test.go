package ecr

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	assert.Equal(t, int32(1), calls.Load(), "fn runs once for the leader and its followers")
	for c := range results {
		assert.Equal(t, "pw", c.Secret.Reveal(), "a caller did not get the shared credential")
	}
	// The flight is over: the next call runs again.
	_, err := g.do(context.Background(), "k", func() (providers.Credential, error) { calls.Add(1); return providers.Credential{}, nil })
	require.NoError(t, err)
	assert.Equal(t, int32(2), calls.Load(), "after the flight, do runs fn again")
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
		assert.Fail(t, "a waiter ran its own call")
		return providers.Credential{}, nil
	})
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, providers.ErrUnavailable)
}
