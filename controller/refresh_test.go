package controller

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// ecrConfig selects namespaces labelled regcred.io/ecr=true for the fake
// cloud's registry, resolved by a real ecr entry.
func ecrConfig(cloud *ecrtest.Cloud) string {
	return `
registries:
  - match: "*.dkr.ecr.*.amazonaws.com"
    ecr: {endpoint: "` + cloud.ECRURL() + `"}
pullSecrets:
  - secretName: ecr-pull
    namespaceSelector: {matchLabels: {regcred.io/ecr: "true"}}
    registries: ["` + ecrRegistry + `"]
    serviceAccounts: [default]
`
}

// ecrPassword is the password of the fake registry's entry in ns's Secret.
func (w *world) ecrPassword(t *testing.T, ns string) string {
	t.Helper()
	return w.auths(t, ns, "ecr-pull")[ecrRegistry].Password
}

// TestRefreshBeforeExpiry runs the controller on short-lived ECR tokens:
// every look at the Secrets finds a token the cloud issued and that has
// not expired, two namespaces share one backend call per refresh, and when
// the registry starts failing the last good token stays until it expires,
// with an Event and a metric saying so.
func TestRefreshBeforeExpiry(t *testing.T) {
	const ttl = 6 * time.Second
	w := newWorld(t)
	cloud := ecrtest.New(t, ecrtest.WithTokenTTL(ttl))
	keys := ecrEnv(t, cloud)
	cfg := parseConfig(t, ecrConfig(cloud))
	for _, ns := range []string{"ecr-1", "ecr-2"} {
		w.ns(t, ns, map[string]string{"regcred.io/ecr": "true"})
	}
	start := time.Now()
	ctl := w.run(t, cfg, engineResolver(t, cfg), runOpts{})
	w.waitSecret(t, "ecr-1", "ecr-pull")
	w.waitSecret(t, "ecr-2", "ecr-pull")

	// Watch for three token lifetimes.
	seen := map[string]bool{}
	for time.Since(start) < 3*ttl {
		for _, ns := range []string{"ecr-1", "ecr-2"} {
			pw := w.ecrPassword(t, ns)
			g, ok := cloud.Lookup(pw)
			require.True(t, ok, "%s holds a password the cloud never issued", ns)
			require.True(t, time.Now().Before(g.ExpiresAt), "%s holds a token that expired at %s", ns, g.ExpiresAt)
			assert.Equal(t, keys.ARN, g.Principal)
			seen[pw] = true
		}
		time.Sleep(poll)
	}
	calls := cloud.Calls(ecrtest.ECR)
	elapsed := time.Since(start)
	t.Logf("%d ECR calls in %s, %d tokens seen", calls, elapsed.Round(time.Millisecond), len(seen))
	assert.GreaterOrEqual(t, len(seen), 4, "refreshed at half the lifetime: ~6 tokens in 3 lifetimes")
	// At most one call per refresh (half the lifetime less ≤10 % jitter)
	// for both namespaces, plus the first: never one per namespace.
	assert.LessOrEqual(t, calls, int(elapsed/(ttl/2*9/10))+1)
	assert.LessOrEqual(t, calls, len(seen)+1, "every call's token reached the Secrets (one may be in flight)")
	assert.InDelta(t, calls, total(t, ctl.metrics, "regcred_controller_refreshes_total"), 1)

	// The registry fails from now on: the last good token stays.
	cloud.FailNext(ecrtest.ECR, ecrtest.AccessDenied, 1_000_000)
	failedAt := time.Now()
	// Read the last good token only after a refresh has failed: a call
	// answered before FailNext may still be on its way to the Secret.
	ev := w.waitEvent(t, "ecr-1", "ecr-pull", "RefreshFailed")
	last := w.ecrPassword(t, "ecr-1")
	assert.Contains(t, ev, ecrRegistry+": refresh failed, keeping the last good credential until it expires")
	assert.Contains(t, ev, "not authorized to perform: ecr:GetAuthorizationToken")
	assert.Positive(t, total(t, ctl.metrics, "regcred_controller_refresh_failures_total"))
	assert.Contains(t, ctl.logs.String(), "refresh failed; keeping the last good credential until it expires")
	g, ok := cloud.Lookup(last)
	require.True(t, ok)
	for time.Now().Before(g.ExpiresAt.Add(-time.Second)) {
		require.Equal(t, last, w.ecrPassword(t, "ecr-1"), "the last good token is kept while it is valid")
		time.Sleep(poll)
	}
	// Once it has expired there is no credential left to give.
	ev = w.waitEvent(t, "ecr-1", "ecr-pull", "NoCredential")
	assert.Contains(t, ev, ecrRegistry+": no valid credential")
	t.Logf("failures answered for %s", time.Since(failedAt).Round(time.Millisecond))

	var passwords []string
	for pw := range seen {
		passwords = append(passwords, pw)
	}
	all := ctl.logs.String() + strings.Join(w.events(t, "ecr-1", "ecr-pull"), "\n")
	testkit.AssertNoSecret(t, "logs and events", all, append(passwords, keys.SecretAccessKey)...)
}
