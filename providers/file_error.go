package providers

import (
	"errors"
	"fmt"
	"io/fs"
)

// FileError describes a failed open or read of a file an entry names:
// "<what> <path> does not exist" wrapping missing, "…: permission denied"
// wrapping ErrDenied, or "…: <cause>" wrapping other. The path is shown as
// ShowPath shows it and the os error's own copy of it is dropped: a
// relative "path" may be a secret typed in the wrong place.
func FileError(what, path string, err, missing, other error) error {
	cause := err
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		cause = pe.Err
	}
	path = ShowPath(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: %s %s does not exist", missing, what, path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%w: %s %s: permission denied", ErrDenied, what, path)
	default:
		return fmt.Errorf("%w: %s %s: %w", other, what, path, cause)
	}
}
