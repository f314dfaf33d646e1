package static

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/regcred/regcred/providers"
)

// maxFile bounds what is read from a secret or docker config file: real
// ones are a few kilobytes, and a mistyped path (/dev/zero, a log file)
// must not exhaust memory.
const maxFile = 1 << 20

// source is one of the three places a username or password comes from.
type source struct {
	what   string // "username" or "password", for errors
	inline string
	env    string
	file   string
}

// value returns the source's value, or an error naming the variable or
// file (never the value, and never a name shaped like a secret: see
// providers.ShowEnvName and ShowPath).
func (p *Provider) value(ctx context.Context, s source) (string, error) {
	switch {
	case s.inline != "":
		return s.inline, nil
	case s.env != "":
		v, ok := p.lookupEnv(s.env)
		if !ok {
			return "", fmt.Errorf("%w: %s variable %s is not set", providers.ErrNotFound, s.what, providers.ShowEnvName(s.env))
		}
		if v == "" {
			return "", fmt.Errorf("%w: %s variable %s is empty", providers.ErrNotFound, s.what, providers.ShowEnvName(s.env))
		}
		return v, nil
	default:
		data, path, err := p.readFile(ctx, s.what+" file", s.file)
		if err != nil {
			return "", err
		}
		v := trimNewline(string(data))
		if v == "" {
			return "", fmt.Errorf("%w: %s file %s is empty", providers.ErrNotFound, s.what, providers.ShowPath(path))
		}
		return v, nil
	}
}

// readFile reads at most maxFile bytes of name (after "~/" expansion) and
// returns them with the expanded path. what names the file in errors.
func (p *Provider) readFile(ctx context.Context, what, name string) ([]byte, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, name, err
	}
	path, err := p.expandHome(name)
	if err != nil {
		return nil, name, fmt.Errorf("%s %s: %w", what, providers.ShowPath(name), err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, path, fileError(what, path, err)
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.IsDir() {
		return nil, path, fmt.Errorf("%w: %s %s is a directory", providers.ErrInvalid, what, providers.ShowPath(path))
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, path, fileError(what, path, err)
	}
	if len(data) > maxFile {
		return nil, path, fmt.Errorf("%w: %s %s is larger than %d KiB", providers.ErrInvalid, what, providers.ShowPath(path), maxFile>>10)
	}
	return data, path, nil
}

// fileError classifies an open or read failure: a missing file is
// ErrNotFound (the secret is not there), any other failure ErrUnavailable.
func fileError(what, path string, err error) error {
	return providers.FileError(what, path, err, providers.ErrNotFound, providers.ErrUnavailable)
}

// expandHome turns a leading "~/" into $HOME, as a shell would for a path
// written in the config.
func (p *Provider) expandHome(name string) (string, error) {
	path, ok := providers.ExpandHome(name, p.lookupEnv)
	if !ok {
		return "", fmt.Errorf("%w: \"~/\" needs HOME, which is not set", providers.ErrNotFound)
	}
	return path, nil
}

// trimNewline drops one trailing "\n" or "\r\n", what `echo` and editors
// add; other whitespace may be part of the secret and is kept.
func trimNewline(s string) string {
	if s, ok := strings.CutSuffix(s, "\n"); ok {
		return strings.TrimSuffix(s, "\r")
	}
	return s
}
