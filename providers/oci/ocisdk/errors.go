package ocisdk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/oracle/oci-go-sdk/v65/common"

	"github.com/regcred/regcred/providers"
)

// Classify turns an SDK call's error into one wrapping the providers
// error the resolver acts on. what names the thing asked for (a secret
// OCID, a registry host) and starts the message. Only the service's error
// code, its message and the request id are kept: the SDK's own text adds a
// page of links and client details.
func Classify(what string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || errors.Is(err, common.DeadlineExceededByBackoff) {
		return fmt.Errorf("%s: %w: no answer in time: %w", what, providers.ErrUnavailable, err)
	}
	if se, ok := common.IsServiceError(err); ok {
		return fmt.Errorf("%s: %w: %s", what, sentinelFor(se.GetHTTPStatusCode()), describe(se))
	}
	// Transport failures and anything else the SDK reports: the service
	// could not be asked.
	return fmt.Errorf("%s: %w: %w", what, providers.ErrUnavailable, err)
}

// sentinelFor maps an OCI status code. OCI answers 404
// NotAuthorizedOrNotFound both for a missing resource and for one the
// caller's policies do not cover; only the service knows which, so both
// are "not found" and the message says so.
func sentinelFor(status int) error {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return providers.ErrDenied
	case status == http.StatusNotFound:
		return providers.ErrNotFound
	case status == http.StatusTooManyRequests || status >= 500:
		return providers.ErrUnavailable
	case status >= 400:
		return providers.ErrInvalid
	}
	return providers.ErrUnavailable
}

func describe(se common.ServiceError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", se.GetHTTPStatusCode())
	if c := se.GetCode(); c != "" {
		b.WriteString(" " + c)
	}
	if m := strings.TrimSpace(se.GetMessage()); m != "" {
		b.WriteString(": " + truncate(m, 300))
	}
	switch se.GetHTTPStatusCode() {
	case http.StatusNotFound:
		b.WriteString(" (OCI says this both when the resource does not exist and when the identity's policies do not allow reading it)")
	case http.StatusUnauthorized:
		b.WriteString(" (the request signature was refused: check the key, fingerprint, tenancy and user, or the principal's token)")
	}
	if id := se.GetOpcRequestID(); id != "" {
		b.WriteString(" [opc-request-id " + id + "]")
	}
	return b.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
