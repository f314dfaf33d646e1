package ocisdk

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
)

// Retry budget. The SDK's default policy makes 8 attempts with exponential
// backoff up to 30 s (about 1.5 minutes, 4 with its eventual-consistency
// mode) and its circuit breaker then refuses calls for 30 s: right for a
// long-running service, wrong for a helper that docker waits on and that
// has other entries to try. Three attempts, half a second then one second
// apart, ride out a blip and give up in seconds.
const (
	MaxAttempts = 3
	// DefaultBackoff is the pause before the second attempt; it doubles
	// after that.
	DefaultBackoff = 500 * time.Millisecond
)

// RetryPolicy is the per-client policy regcred installs on every SDK
// client (never the package-level common.GlobalRetry). It retries what a
// retry can fix: throttling (429), server errors (500, 502, 503, 504) and
// transport failures; never 4xx answers about the request or identity.
// backoff 0 retries at once (tests).
func RetryPolicy(backoff time.Duration) common.RetryPolicy {
	next := func(r common.OCIOperationResponse) time.Duration {
		if backoff <= 0 {
			return 0
		}
		d := backoff << (r.AttemptNumber - 1)
		return d + rand.N(backoff/2+1)
	}
	return common.NewRetryPolicy(MaxAttempts, shouldRetry, next)
}

func shouldRetry(r common.OCIOperationResponse) bool {
	if r.Error == nil {
		return false
	}
	return Retryable(r.Error)
}

// Retryable reports whether err is worth another attempt.
func Retryable(err error) bool {
	if se, ok := common.IsServiceError(err); ok {
		switch se.GetHTTPStatusCode() {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	return transportError(err)
}

// transportError: the exchange itself failed (refused, reset, timed out,
// cut short), as opposed to an answer the service gave. A timeout is
// worth another attempt (it was one attempt's limit; when the caller's
// own deadline has passed, the SDK stops anyway); a cancellation is not.
func transportError(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
