package ocisdk

import (
	"net/http"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
)

// Tune sets a client's HTTP dispatcher and retry policy, and removes its
// circuit breaker. All three are fields of this one client: the SDK's
// package-level switches (common.GlobalRetry,
// common.GlobalCircuitBreakerSetting, OCI_SDK_DEFAULT_RETRY_ENABLED,
// OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED) are left alone and are
// overridden here, since the client settings are applied last.
//
// The breaker goes because a helper process makes a handful of calls: the
// Secrets client's default breaker (10 calls, 80 % failures, then 30 s
// open) can never learn anything useful in that span, and in a
// long-running caller an open breaker would fail healthy secrets too.
func Tune(bc *common.BaseClient, hc *http.Client, backoff time.Duration) {
	policy := RetryPolicy(backoff)
	bc.HTTPClient = hc
	bc.Configuration.RetryPolicy = &policy
	bc.Configuration.CircuitBreaker = nil
}
