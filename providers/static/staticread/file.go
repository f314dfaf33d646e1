package staticread

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/regcred/regcred/providers"
)

// MaxFile bounds what is read from a secret or docker config file: real
// ones are a few kilobytes, and a mistyped path (a log file) must not
// exhaust memory.
const MaxFile = 1 << 20

// File is a secret or docker config file as read.
type File struct {
	Data []byte
	Path string // after "~/" expansion
	// Warning is what the engine warns about and still uses (someone other
	// than the user could read or change the file; see trust_unix.go), ""
	// when nothing. It names the file, never its content.
	Warning string
}

// ReadFile reads at most MaxFile bytes of name (after "~/" expansion).
// what names the file in errors and warnings ("password file"). Only a
// regular file is read (symlinks followed): a directory, a FIFO or a device
// is an error, and opening never blocks on one.
func ReadFile(ctx context.Context, what, name string, lookupEnv func(string) (string, bool)) (File, error) {
	if err := ctx.Err(); err != nil {
		return File{Path: name}, err
	}
	path, ok := providers.ExpandHome(name, lookupEnv)
	if !ok {
		return File{Path: name}, fmt.Errorf("%s %s: %w: \"~/\" needs HOME, which is not set", what, providers.ShowPath(name), providers.ErrNotFound)
	}
	f, err := openRegular(path)
	if err != nil {
		return File{Path: path}, classify(what, path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFile+1))
	if err != nil {
		return File{Path: path}, classify(what, path, err)
	}
	if len(data) > MaxFile {
		return File{Path: path}, fmt.Errorf("%w: %s %s is larger than %d KiB", providers.ErrInvalid, what, providers.ShowPath(path), MaxFile>>10)
	}
	out := File{Data: data, Path: path}
	if problem := f.untrusted(path); problem != "" {
		out.Warning = what + " " + providers.ShowPath(path) + " " + problem
	}
	return out, nil
}

// errNotRegular and errIsDir are what openRegular refuses.
var (
	errIsDir      = errors.New("is a directory")
	errNotRegular = errors.New("is not a regular file (a FIFO, socket or device)")
)

// classify turns an open or read failure into an error naming the file
// and the cause, never the content; a relative path is not repeated (see
// providers.ShowPath), so an os error is reduced to its cause.
func classify(what, path string, err error) error {
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		err = pe.Err
	}
	shown := providers.ShowPath(path)
	switch {
	case errors.Is(err, errIsDir), errors.Is(err, errNotRegular):
		return fmt.Errorf("%w: %s %s %v", providers.ErrInvalid, what, shown, err)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: %s %s does not exist", providers.ErrNotFound, what, shown)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%w: %s %s: permission denied", providers.ErrDenied, what, shown)
	default:
		return fmt.Errorf("%w: %s %s: %w", providers.ErrUnavailable, what, shown, err)
	}
}

// TrimNewline drops one trailing "\n" or "\r\n", what `echo` and editors
// add; other whitespace may be part of the secret and is kept.
func TrimNewline(s string) string {
	if s, ok := strings.CutSuffix(s, "\n"); ok {
		return strings.TrimSuffix(s, "\r")
	}
	return s
}
