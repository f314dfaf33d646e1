package ecr

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
)

// imdsCallTimeout bounds each request to the EC2 instance metadata service
// (IMDS). On EC2 it answers in milliseconds; elsewhere 169.254.169.254 is
// often a black hole that accepts and never answers. The SDK's own client
// waits 500 ms per request and retries three times (token, then the IMDSv1
// fallback), about 5 s in all; this one asks once, so the whole probe (the
// token request and one fallback request) ends within 2 × imdsCallTimeout.
// Together with the Google probe that keeps a machine off every cloud
// under 1.5 s, and the cache remembers the answer (cache.negativeTTL).
const imdsCallTimeout = 300 * time.Millisecond

// newIMDSClient is the IMDS client of the default chain's EC2 role
// provider. It reads AWS_EC2_METADATA_DISABLED and
// AWS_EC2_METADATA_SERVICE_ENDPOINT itself, as the SDK's does.
func newIMDSClient() *imds.Client {
	return imds.New(imds.Options{
		Retryer:    aws.NopRetryer{},
		HTTPClient: awshttp.NewBuildableClient().WithTimeout(imdsCallTimeout),
	})
}
