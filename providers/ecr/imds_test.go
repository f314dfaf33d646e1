package ecr

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	smithyhttp "github.com/aws/smithy-go/transport/http"
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

// TestIMDSFinding: what the last step of the chain found, from the IMDS
// client's errors as they come (its 401 is wrapped in an error that does
// not unwrap, so the status is read from the text).
func TestIMDSFinding(t *testing.T) {
	status := func(code int) error {
		return fmt.Errorf("no EC2 IMDS role found, %w", &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: code}}, Err: errors.New("request to EC2 IMDS failed"),
		})
	}
	tests := []struct {
		name string
		err  error
		says string
	}{
		{name: "nothing ran", err: nil, says: "not reachable"},
		{name: "no answer", err: errors.New("operation error ec2imds: GetMetadata, request send failed: dial tcp 169.254.169.254:80: i/o timeout"), says: "not reachable"},
		{name: "no role", err: status(http.StatusNotFound), says: "no IAM role here"},
		{name: "IMDSv2 required, text only", err: errors.New("no EC2 IMDS role found, operation error ec2imds: GetMetadata, http response error StatusCode: 401, request to EC2 IMDS failed"), says: "hop limit"},
		{name: "another cloud", err: status(http.StatusBadRequest), says: "answered HTTP 400, not as EC2's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Contains(t, imdsFinding(tt.err), tt.says)
		})
	}
}
