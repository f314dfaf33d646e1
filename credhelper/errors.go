package credhelper

import (
	"fmt"
	"strings"

	"github.com/regcred/regcred/credhelper/cli"

	"github.com/regcred/regcred/credhelper/dockerproto"
)

// The Docker protocol's error values (see dockerproto).
var (
	ErrNotFound         = dockerproto.ErrNotFound
	ErrMissingServerURL = dockerproto.ErrMissingServerURL
	ErrMissingUsername  = dockerproto.ErrMissingUsername
)

// ErrUsage marks a command line regcred does not understand.
var ErrUsage = cli.ErrUsage

// Attempt records one entry tried and why it did not yield a credential.
type Attempt struct {
	Entry string
	Err   error
	// Via is how the token cache handled the entry (nil: not through the
	// cache); a remembered absence, for one, is the cache's answer.
	Via *Via
}

// AllFailedError is returned when entries matched but none yielded a
// credential. Its text names every entry and its failure, so docker shows
// the reason instead of a bare 401; it never holds a secret because backend
// errors never do.
type AllFailedError struct {
	Target   string
	Attempts []Attempt
	// Withheld names the matching entries not asked because the request
	// carried a pod's service-account token and they answer as the node.
	Withheld []string
}

func (e *AllFailedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "regcred: no credential for %s: %d matching entr%s failed", e.Target, len(e.Attempts), cli.Plural(len(e.Attempts), "y", "ies"))
	for _, a := range e.Attempts {
		fmt.Fprintf(&b, "; %s: %v", a.Entry, a.Err)
	}
	if len(e.Withheld) > 0 {
		fmt.Fprintf(&b, "; not asked for a pod's service-account request, as they answer as the node (answersAnyPod: true opts one in): %s", strings.Join(e.Withheld, ", "))
	}
	return b.String()
}

// Unwrap exposes the backends' errors to errors.Is / errors.As.
func (e *AllFailedError) Unwrap() []error {
	errs := make([]error, len(e.Attempts))
	for i, a := range e.Attempts {
		errs[i] = a.Err
	}
	return errs
}
