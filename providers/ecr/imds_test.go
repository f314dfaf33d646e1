package ecr

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// TestIMDSProbeOnABlackHole: off EC2, where the metadata address accepts
// and never answers, the default chain asks it exactly twice (the IMDSv2
// token, then the IMDSv1 fallback), once each and without retries, and
// ends with "no identity", not an outage. Each request is bounded by
// imdsCallTimeout, so the probe's budget is 2 × imdsCallTimeout; make bench
// times it.
func TestIMDSProbeOnABlackHole(t *testing.T) {
	isolate(t)
	hole := testkit.NewBlackHole(t)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "false")
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://"+hole.Addr())
	cloud := ecrtest.New(t)
	p, logs := newProvider(t, Config{Endpoint: cloud.ECRURL()})

	_, err := get(p, testHost)
	checkErr(t, err, providers.ErrNoIdentity, testHost, logs, []string{"no AWS credentials found", "EC2 instance metadata (IMDS): not reachable"})
	assert.NotErrorIs(t, err, providers.ErrUnavailable, "a silent metadata address is no identity, not an outage")
	assert.ErrorIs(t, err, providers.ErrAbsent, "the cache must be able to remember it")
	assert.Equal(t, int64(2), hole.Conns(), "IMDS requests: want the token request and one IMDSv1 fallback, no retries")
	assert.Zero(t, cloud.Calls(ecrtest.ECR), "ECR was called without an identity")
	// AWS and Google share the 1.5 s budget of a machine off every cloud.
	assert.LessOrEqual(t, 2*imdsCallTimeout, 750*time.Millisecond, "the AWS probe's bound")
}
