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

// errInvalidToken marks a 403 for a token Vault does not know (never
// issued, revoked or expired), so Credential can drop a cached login token
// and log in again.
var errInvalidToken = errors.New("invalid token")

// deniedError is a 403. Vault answers 403 both for a token it does not know
// and for a policy that does not grant the path. OpenBao words the first
// as a bare "permission denied" and the second as a multierror ("1 error
// occurred: * permission denied") or a preflight message; HashiCorp Vault
// adds "invalid token" to the first. A bare answer is ambiguous until
// auth/token/lookup-self settles it (see Provider.classifyDenied).
type deniedError struct {
	address string
	what    string // "reading secret/data/app"
	hint    string // added to the policy message
	// ambiguous: a bare "permission denied", maybe an unknown token.
	ambiguous bool
	// invalid: the token is unknown to Vault; tokenHint says where the token
	// came from, for the advice.
	invalid   bool
	tokenHint string
}

func (e *deniedError) Error() string {
	if e.invalid {
		return fmt.Sprintf("Vault at %s: permission denied %s: the Vault token is invalid or expired (%s)", e.address, e.what, e.tokenHint)
	}
	return fmt.Sprintf("Vault at %s: permission denied by policy %s%s", e.address, e.what, e.hint)
}

func (e *deniedError) Unwrap() []error {
	if e.invalid {
		return []error{providers.ErrDenied, errInvalidToken}
	}
	return []error{providers.ErrDenied}
}

// staticTokenHint is the advice for the token method's token.
const staticTokenHint = "run `bao login`/`vault login`, or check tokenFile"

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
		return c.denied(what, r.body, readHint(what))
	case r.status == http.StatusNotFound:
		return failf(providers.ErrNotFound, "Vault at %s: nothing found %s%s", c.address, what, suffix)
	default:
		return failf(providers.ErrInvalid, "Vault at %s refused %s: %d %s%s", c.address, what, r.status, http.StatusText(r.status), suffix)
	}
}

// denied is the 403 error for a token-authenticated request. hint is
// added to the policy message.
func (c *client) denied(what string, body envelope, hint string) error {
	e := &deniedError{address: c.address, what: what, hint: hint, tokenHint: staticTokenHint}
	switch {
	case saysInvalidToken(body):
		e.invalid = true
	case bareDenied(body):
		e.ambiguous = true
	}
	return e
}

// saysInvalidToken: HashiCorp Vault's answer to an unknown token
// ("2 errors occurred: * permission denied * invalid token").
func saysInvalidToken(b envelope) bool {
	return strings.Contains(strings.ToLower(strings.Join(b.Errors, "\n")), "invalid token")
}

// bareDenied: OpenBao's answer to an unknown token, exactly
// {"errors":["permission denied"]}. A valid token without access gets a
// multierror or a preflight message instead.
func bareDenied(b envelope) bool {
	return len(b.Errors) == 1 && b.Errors[0] == "permission denied"
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
	return providers.OneLine(providers.WithholdQuoted(strings.Join(parts, "; "), secrets...))
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

// readHint is added to a 403 on a read: Vault answers 403, not 404, for a
// path the token may not list, so a typo in path looks like a policy gap.
func readHint(what string) string {
	if !strings.HasPrefix(what, "reading ") {
		return ""
	}
	return " (Vault answers 403 also for a secret that does not exist there: check path and mount)"
}
