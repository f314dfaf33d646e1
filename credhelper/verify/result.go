package verify

import (
	"fmt"

	"github.com/regcred/regcred/providers"
)

// Status is the verdict on one credential.
type Status int

const (
	// Accepted: the registry (or its token server) accepted the credential
	// and, when a repository was named, let it read that repository.
	Accepted Status = iota
	// Rejected: the registry or its token server refused the credential.
	Rejected
	// NotReadable: the credential is valid but may not pull the repository.
	NotReadable
	// NotFound: the credential is valid and the registry says the
	// repository does not exist.
	NotFound
	// Unreachable: no answer, a network error, or a 5xx / 429.
	Unreachable
	// Unverifiable: the registry answered something this package cannot
	// judge (not a registry API, a malformed challenge, plain http refused).
	Unverifiable
)

var statusNames = [...]string{
	Accepted:     "accepted",
	Rejected:     "rejected",
	NotReadable:  "repository not readable",
	NotFound:     "repository not found",
	Unreachable:  "registry unreachable",
	Unverifiable: "not verifiable",
}

func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return fmt.Sprintf("status(%d)", int(s))
	}
	return statusNames[s]
}

// MarshalText makes the status a readable string in JSON output.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Result is what Check found. Nothing in it is secret.
type Result struct {
	Status     Status `json:"status"`
	Registry   string `json:"registry"`
	Repository string `json:"repository,omitempty"`
	// Endpoint is the registry base URL that was talked to.
	Endpoint string `json:"endpoint,omitempty"`
	// Auth is the scheme the registry asked for: none, basic or bearer.
	Auth string `json:"auth,omitempty"`
	// Detail says why, for people.
	Detail string `json:"detail,omitempty"`
}

// OK reports whether the credential was accepted.
func (r Result) OK() bool { return r.Status == Accepted }

// Err is nil for Accepted; otherwise an error naming the registry and the
// reason, wrapping the providers error value that fits: ErrDenied for a
// rejected credential or an unreadable repository, ErrNotFound for a
// missing repository, ErrUnavailable for an unreachable registry, ErrInvalid
// when the answer could not be judged.
func (r Result) Err() error {
	var base error
	switch r.Status {
	case Accepted:
		return nil
	case Rejected, NotReadable:
		base = providers.ErrDenied
	case NotFound:
		base = providers.ErrNotFound
	case Unreachable:
		base = providers.ErrUnavailable
	default:
		base = providers.ErrInvalid
	}
	what := "registry " + r.Registry
	if r.Repository != "" {
		what += " (repository " + r.Repository + ")"
	}
	if r.Detail == "" {
		return fmt.Errorf("%w: verifying against %s: %s", base, what, r.Status)
	}
	return fmt.Errorf("%w: verifying against %s: %s: %s", base, what, r.Status, r.Detail)
}
