package vault

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/regcred/regcred/providers"
)

// Status codes Vault uses besides the standard ones (sys/health and
// request forwarding): a disaster-recovery secondary and a performance
// standby that will not serve the request.
const (
	statusDRSecondary = 472
	statusPerfStandby = 473
)

// retry policies of a transport failure.
const (
	retryNever      = iota
	retryIdempotent // the request may have reached Vault: retry GETs only
	retryAlways     // nothing was sent (the connection failed)
)

// unavailableError is "Vault unavailable at <address>: <reason>". It wraps
// providers.ErrUnavailable and the underlying cause (a context error, say).
type unavailableError struct {
	address, reason string
	cause           error
	retry           int
}

func (e *unavailableError) Error() string {
	return "Vault unavailable at " + e.address + ": " + e.reason
}

func (e *unavailableError) Unwrap() []error {
	if e.cause == nil {
		return []error{providers.ErrUnavailable}
	}
	return []error{providers.ErrUnavailable, e.cause}
}

// errForbidden marks a 403, so Credential can tell a revoked cached token
// from other failures and log in again.
var errForbidden = errors.New("forbidden")

type deniedError struct{ msg string }

func (e *deniedError) Error() string   { return e.msg }
func (e *deniedError) Unwrap() []error { return []error{providers.ErrDenied, errForbidden} }

// transportError describes a request that got no answer. parent is the
// caller's context, attempt the per-request one.
func (c *client) transportError(parent, attempt context.Context, err error) error {
	u := &unavailableError{address: c.address, cause: err}
	var (
		op      *net.OpError
		dns     *net.DNSError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		verify  *tls.CertificateVerificationError
	)
	switch {
	case parent.Err() != nil:
		u.reason, u.cause = "gave up: "+parent.Err().Error(), parent.Err()
	case attempt.Err() != nil:
		u.reason, u.cause = fmt.Sprintf("no answer within %s (timeout)", c.timeout), context.DeadlineExceeded
	case errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &invalid), errors.As(err, &verify):
		u.reason = "TLS: " + innermost(err) + " (set caCert, caPath or tlsServerName, or VAULT_CACERT)"
	case errors.As(err, &dns):
		u.reason, u.retry = "cannot resolve the host: "+dns.Error(), retryAlways
	case errors.As(err, &op) && op.Op == "dial":
		u.reason, u.retry = "cannot connect: "+innermost(op), retryAlways
	default:
		u.reason, u.retry = innermost(err), retryIdempotent
	}
	return u
}

// innermost drops url.Error's method and URL, which add noise, not facts.
func innermost(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return err.Error()
}

// statusError classifies an answer that is not a success. what names the
// request for the user ("reading secret/data/app").
func (c *client) statusError(k call, r reply, what string) error {
	msg := vaultMessage(r.body, k.secrets)
	suffix := ""
	if msg != "" {
		suffix = ": " + msg
	}
	switch {
	case r.status == http.StatusServiceUnavailable && strings.Contains(strings.ToLower(msg), "sealed"):
		return &unavailableError{address: c.address, reason: "sealed"}
	case r.status == http.StatusTooManyRequests:
		return &unavailableError{address: c.address, reason: "standby node or rate limit (429 Too Many Requests)" + suffix}
	case r.status == statusDRSecondary:
		return &unavailableError{address: c.address, reason: "disaster-recovery secondary, not serving requests (472)"}
	case r.status == statusPerfStandby:
		return &unavailableError{address: c.address, reason: "performance standby, not serving this request (473)"}
	case r.status >= 500:
		return &unavailableError{address: c.address, reason: fmt.Sprintf("%d %s%s", r.status, http.StatusText(r.status), suffix)}
	case r.status == http.StatusForbidden:
		return c.denied(what, msg, "")
	case r.status == http.StatusNotFound:
		return failf(providers.ErrNotFound, "Vault at %s: nothing found %s%s", c.address, what, suffix)
	default:
		return failf(providers.ErrInvalid, "Vault at %s refused %s: %d %s%s", c.address, what, r.status, http.StatusText(r.status), suffix)
	}
}

// denied is the 403 error. Vault answers 403 both for a policy that does
// not grant the path and for a token it does not know; newer versions say
// "invalid token" in the second case. hint is added to the policy case.
func (c *client) denied(what, msg, hint string) error {
	if strings.Contains(strings.ToLower(msg), "invalid token") {
		return &deniedError{msg: fmt.Sprintf("Vault at %s: permission denied %s: the token is invalid or expired", c.address, what)}
	}
	return &deniedError{msg: fmt.Sprintf("Vault at %s: permission denied by policy %s%s", c.address, what, hint)}
}

// vaultMessage is Vault's error text made safe to show: multierror
// decoration removed, whitespace collapsed, withheld whole when it holds
// one of the request's secrets, and the length bounded.
func vaultMessage(b envelope, secrets []string) string {
	var parts []string
	for _, e := range b.Errors {
		for _, line := range strings.Split(e, "\n") {
			line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "* "))
			if line != "" && !strings.HasSuffix(line, "occurred:") {
				parts = append(parts, line)
			}
		}
	}
	msg := providers.WithholdQuoted(strings.Join(parts, "; "), secrets...)
	msg = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, msg)
	if r := []rune(msg); len(r) > 300 {
		msg = string(r[:300]) + "…"
	}
	return msg
}

// vaultError is a message wrapping one of the providers error values
// without repeating its generic text ("access denied: …").
type vaultError struct {
	msg  string
	kind error
}

func (e *vaultError) Error() string { return e.msg }
func (e *vaultError) Unwrap() error { return e.kind }

func failf(kind error, format string, args ...any) error {
	return &vaultError{msg: fmt.Sprintf(format, args...), kind: kind}
}
