package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// startGet starts `get host` without waiting for it.
func startGet(t *testing.T, ctx context.Context, env []string, host string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd := exec.CommandContext(ctx, testBinary(t), "get")
	cmd.Env = append(cleanEnv(t), env...)
	cmd.Stdin = strings.NewReader(host)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	return cmd, &stdout, &stderr
}

// TestFaultKilledMidRefresh: a get killed (SIGKILL) while it holds the
// key's lock and waits on ECR leaves no answer, no partial file and no
// held lock: the next get fetches at once.
func TestFaultKilledMidRefresh(t *testing.T) {
	t.Parallel()
	c := newFaultCache(t, filepath.Join(t.TempDir(), "cache"), nil, "")
	c.cloud.FailNext(ecrtest.ECR, ecrtest.Slow, 1)
	ctx, cancel := context.WithTimeout(context.Background(), faultGuard)
	defer cancel()
	cmd, stdout, _ := startGet(t, ctx, c.env, ecrHost)
	for c.cloud.Calls(ecrtest.ECR) == 0 {
		require.NoError(t, ctx.Err(), "the get never reached ECR")
		time.Sleep(10 * time.Millisecond)
	}
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	assert.Equal(t, 0, stdout.Len(), "the killed get printed %q", stdout.String())
	start := time.Now()
	res, _ := c.get(t, ecrHost, "us-west-2")
	d := time.Since(start)
	assert.Less(t, d, cache.DefaultLockWait, "the next get took %s: it waited out the dead holder's lock", d)
	assert.NotContains(t, res.Stderr, "fetching without the cache lock", "the dead holder's lock was still held")
	c.wantCalls(t, 2, "killed get, then get")
	c.tokenFile(t)
	c.noStrayFiles(t)
}

// concurrentGets is how many processes ask at once; the backend answers
// after holdFor, so they overlap however slowly they start.
const (
	concurrentGets = 200
	holdFor        = 5 * time.Second
)

// TestFaultConcurrentGets: 200 processes ask for one cold ECR token at
// once, with the file cache; ECR sees exactly one call and every process
// answers the same token, whole.
func TestFaultConcurrentGets(t *testing.T) {
	t.Parallel()
	cloud := ecrtest.New(t)
	proxy := newFaultProxy(t, cloud.ECRURL(), "/", delayed)
	proxy.delay = holdFor
	c := newFaultCache(t, filepath.Join(t.TempDir(), "cache"), cloud, proxy.URL)

	ctx, cancel := context.WithTimeout(context.Background(), faultGuard+holdFor)
	defer cancel()
	type run struct {
		cmd            *exec.Cmd
		stdout, stderr *bytes.Buffer
		started        time.Time
	}
	runs := make([]run, concurrentGets)
	for i := range runs {
		cmd, out, errb := startGet(t, ctx, c.env, ecrHost)
		runs[i] = run{cmd, out, errb, time.Now()}
	}
	var wg sync.WaitGroup
	exits := make([]int, len(runs))
	for i := range runs {
		wg.Go(func() {
			if err := runs[i].cmd.Wait(); err != nil {
				exits[i] = -1
				if ee, ok := err.(*exec.ExitError); ok {
					exits[i] = ee.ExitCode()
				}
			}
		})
	}
	wg.Wait()
	require.NoError(t, ctx.Err(), "the concurrent gets did not finish within %s", faultGuard+holdFor)
	held := 0
	for i, r := range runs {
		res := runResult{Stdout: r.stdout.String(), Stderr: r.stderr.String(), Exit: exits[i]}
		checkECRAnswer(t, cloud, res, ecrHost, c.keys.ARN, "us-west-2", c.keys)
		decodeOneAnswer(t, res.Stdout)
		assert.Equal(t, runs[0].stdout.String(), res.Stdout, "process %d answered a different token", i)
		if r.started.Before(proxy.Answered()) {
			held++
		}
	}
	got := cloud.Calls(ecrtest.ECR)
	assert.Equal(t, 1, got, "%d concurrent gets made %d GetAuthorizationToken calls, want 1", concurrentGets, got)
	c.noStrayFiles(t)
	t.Logf("%d of %d processes were started while the one backend call was held", held, concurrentGets)
}
