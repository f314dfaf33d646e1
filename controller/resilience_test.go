package controller

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/regcred/regcred/credhelper/pullsecret"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// pausingResolver holds its n-th call (1-based) until released, so a test
// can act in the middle of a refresh.
type pausingResolver struct {
	Resolver
	n       int
	mu      sync.Mutex
	calls   int
	paused  chan struct{}
	release chan struct{}
}

func (p *pausingResolver) Auth(ctx context.Context, registry string) (pullsecret.Auth, error) {
	p.mu.Lock()
	p.calls++
	hold := p.calls == p.n
	p.mu.Unlock()
	if hold {
		close(p.paused)
		select {
		case <-p.release:
		case <-ctx.Done():
			return pullsecret.Auth{}, ctx.Err()
		}
	}
	return p.Resolver.Auth(ctx, registry)
}

// TestAPIServerRestartMidRefresh kills etcd and kube-apiserver while a
// refresh is under way: the token fetched meanwhile reaches the Secret
// once the apiserver is back, without another backend call, and the links
// and other entries are intact.
func TestAPIServerRestartMidRefresh(t *testing.T) {
	const ttl = 16 * time.Second // refresh after ~8s; the new token is not due again before the restart is over
	w := newWorld(t)
	cloud := ecrtest.New(t, ecrtest.WithTokenTTL(ttl))
	ecrEnv(t, cloud)
	cfg := parseConfig(t, ecrConfig(cloud))
	w.ns(t, "ecr-1", map[string]string{"regcred.io/ecr": "true"})
	w.sa(t, "ecr-1", "default", "other")
	res := &pausingResolver{Resolver: engineResolver(t, cfg), n: 2, paused: make(chan struct{}), release: make(chan struct{})}
	w.run(t, cfg, res, runOpts{manager: func(o *ctrl.Options) {
		// The lease outlives the outage: this scenario is about the
		// reconcile; a lost lease would end the process and the pod would
		// be restarted.
		lease, renew := 2*time.Minute, 90*time.Second
		o.LeaseDuration, o.RenewDeadline = &lease, &renew
	}})
	first := w.waitSecret(t, "ecr-1", "ecr-pull")[ecrRegistry].Password
	w.waitLinks(t, "ecr-1", "default", "other", "ecr-pull")

	select {
	case <-res.paused:
	case <-time.After(waitFor):
		require.Fail(t, "no refresh began")
	}
	restarted := make(chan struct{})
	go func() {
		defer close(restarted)
		w.cluster.Restart(t)
	}()
	time.Sleep(time.Second) // the refresh completes while the apiserver is down
	close(res.release)
	<-restarted

	var now string
	require.True(t, eventually(func() bool {
		now = w.ecrPassword(t, "ecr-1")
		return now != first
	}), "the refreshed token never reached the Secret")
	g, ok := cloud.Lookup(now)
	require.True(t, ok)
	assert.True(t, time.Now().Before(g.ExpiresAt), "the Secret's token is valid")
	assert.Equal(t, 2, cloud.Calls(ecrtest.ECR), "the token fetched during the outage is the one written: no call lost, none repeated")
	w.waitLinks(t, "ecr-1", "default", "other", "ecr-pull")
}

// TestTwoReplicasOneCallPerRefresh runs two controllers as the Deployment's
// two replicas: only the leader calls ECR, once per refresh for every
// namespace, and when it stops the other takes over.
func TestTwoReplicasOneCallPerRefresh(t *testing.T) {
	const ttl = 6 * time.Second
	w := newWorld(t)
	cloud := ecrtest.New(t, ecrtest.WithTokenTTL(ttl))
	ecrEnv(t, cloud)
	cfg := parseConfig(t, ecrConfig(cloud))
	for _, ns := range []string{"ecr-1", "ecr-2", "ecr-3"} {
		w.ns(t, ns, map[string]string{"regcred.io/ecr": "true"})
	}
	start := time.Now()
	a := w.run(t, cfg, engineResolver(t, cfg), runOpts{})
	w.waitSecret(t, "ecr-1", "ecr-pull")
	b := w.run(t, cfg, engineResolver(t, cfg), runOpts{})
	time.Sleep(2 * ttl)

	elapsed := time.Since(start)
	calls := cloud.Calls(ecrtest.ECR)
	ra, rb := total(t, a.metrics, "regcred_controller_refreshes_total"), total(t, b.metrics, "regcred_controller_refreshes_total")
	t.Logf("%d ECR calls in %s; leader %v, standby %v", calls, elapsed.Round(time.Millisecond), ra, rb)
	assert.Zero(t, rb, "the standby replica makes no backend call")
	assert.InDelta(t, calls, ra, 1, "every call is the leader's (one may be in flight)")
	assert.GreaterOrEqual(t, calls, 3, "refreshed at half the lifetime")
	assert.LessOrEqual(t, calls, int(elapsed/(ttl/2*9/10))+1, "one call per refresh for three namespaces and two replicas")

	// The leader stops (a rollout); the standby takes the lease and refreshes.
	a.stop()
	before := cloud.Calls(ecrtest.ECR)
	require.True(t, eventually(func() bool { return total(t, b.metrics, "regcred_controller_refreshes_total") > 0 }), "the standby never took over")
	for _, ns := range []string{"ecr-1", "ecr-2", "ecr-3"} {
		require.True(t, eventually(func() bool {
			g, ok := cloud.Lookup(w.ecrPassword(t, ns))
			return ok && time.Now().Before(g.ExpiresAt)
		}), "%s: no valid token after the takeover", ns)
	}
	assert.Greater(t, cloud.Calls(ecrtest.ECR), before)
}
