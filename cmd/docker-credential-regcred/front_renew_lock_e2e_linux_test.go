package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/regcred/regcred/credhelper/fetch"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// TestRenewalLockHeldElsewhere: while another process holds the token's
// lock (an engine stuck on a slow ECR), the fetcher waits for it no
// longer than its own bound (fetch.Timeout), not the engine's lock wait
// (cache.DefaultLockWait), and leaves the get to the engine, which waits
// as it would alone: the fetcher costs at most its bound. The guard on
// the run is what fails when it waits longer; the engine is unexecutable
// so that the fetcher's part is all the run is.
func TestRenewalLockHeldElsewhere(t *testing.T) {
	t.Parallel()
	r := newRenewal(t, nil)
	r.due(t)
	locks, err := filepath.Glob(filepath.Join(r.dir, "locks", "*.lock"))
	require.NoError(t, err)
	require.Len(t, locks, 1, "lock files: %v", locks)
	f, err := os.Open(locks[0])
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, unix.Flock(int(f.Fd()), unix.LOCK_EX))
	before := r.cloud.Calls(ecrtest.ECR)
	start := time.Now()
	res := r.in.without(t, []string{r.in.engine}, runOpts{Env: r.env, Stdin: ecrHost, Timeout: 3 * fetch.Timeout}, "get")
	t.Logf("the fetcher gave up on the held lock after %v", time.Since(start))
	r.in.checkHandedOff(t, res)
	assert.Equal(t, 0, r.cloud.Calls(ecrtest.ECR)-before, "ECR was asked while another process held the lock")
}
