package providers

import "errors"

// ErrAbsent marks an ErrNoIdentity that says this machine has no ambient
// identity at all: the backend's chain ran to its end (no variables, no
// files, no metadata service answering). It is the one failure the token
// cache remembers, for a short while (cache.negativeTTL), so a machine off
// the cloud pays the metadata probe once, not on every pull. A broken
// identity (an expired SSO session, an unknown profile, a refused role) is
// never marked: it is a failure, and failures are not cached.
var ErrAbsent = errors.New("no ambient identity here")

// Absent marks err, which should wrap ErrNoIdentity, as an absent ambient
// identity. Its text is err's, unchanged.
func Absent(err error) error {
	if err == nil {
		return nil
	}
	return absentError{err: err}
}

type absentError struct{ err error }

func (e absentError) Error() string        { return e.err.Error() }
func (e absentError) Unwrap() error        { return e.err }
func (e absentError) Is(target error) bool { return target == ErrAbsent }
