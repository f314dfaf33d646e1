package vault

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/regcred/regcred/providers"
)

// maxSecretFile bounds token, JWT and ID files: real ones are a few KiB,
// and a mistyped path (/dev/zero) must not exhaust memory.
const maxSecretFile = 64 << 10

// home expands a leading "~/" with HOME, as a shell would for a path
// written in the config.
func (p *Provider) home(path string) (string, error) {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path, nil
	}
	h := p.deps.Getenv("HOME")
	if h == "" {
		return "", errors.New("HOME is not set, so \"~\" cannot be expanded")
	}
	return filepath.Join(h, strings.TrimPrefix(path, "~")), nil
}

// readSecretFile returns the trimmed content of a token, JWT or ID file.
// what names it in errors ("auth.jwtFile"); the content never appears.
// A missing or empty file is ErrNoIdentity: there is nothing to log in with.
func (p *Provider) readSecretFile(what, name string) (string, error) {
	path, err := p.home(name)
	if err != nil {
		return "", fmt.Errorf("%w: %s %s: %v", providers.ErrInvalid, what, providers.ShowPath(name), err)
	}
	data, err := providers.ReadFileLimited(path, maxSecretFile)
	if err != nil {
		return "", fileError(what, path, err)
	}
	v := strings.TrimSpace(string(data))
	if v == "" {
		return "", fmt.Errorf("%w: %s %s is empty", providers.ErrNoIdentity, what, providers.ShowPath(path))
	}
	return v, nil
}

// fileError classifies an open or read failure: a missing token, JWT or
// ID file is ErrNoIdentity (nothing to log in with), any other failure
// ErrInvalid.
func fileError(what, path string, err error) error {
	return providers.FileError(what, path, err, providers.ErrNoIdentity, providers.ErrInvalid)
}
