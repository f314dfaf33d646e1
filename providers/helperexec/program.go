package helperexec

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/regcred/regcred/providers"
)

// Prefix is what docker puts before a helper's name to find its executable.
const Prefix = "docker-credential-"

// selfNames are regcred's own executables: a helper that is one of them
// would ask itself, forever.
func selfNames() []string { return []string{Prefix + "regcred", "regcred-engine", "regcred-fetch"} }

// IsSelfName reports whether base is the file name of one of regcred's
// own executables.
func IsSelfName(base string) bool { return slices.Contains(selfNames(), base) }

// CheckName refuses a helper name docker could not use or that is regcred.
func CheckName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: the helper name is empty", providers.ErrInvalid)
	case strings.ContainsAny(name, `/\`) || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return fmt.Errorf("%w: helper name %q: a name has no '/' (it is the part after %s; give a file with path)", providers.ErrInvalid, name, Prefix)
	case name == "regcred":
		return fmt.Errorf("%w: helper name %q is regcred itself, which would ask itself", providers.ErrInvalid, name)
	}
	return nil
}

// Find returns the executable of a helper given by name (looked up on
// PATH as docker-credential-<name>) or by absolute path, and refuses one
// that is regcred's own executable, compared as files (a link or a copy
// under another name is caught when it is the same file).
func Find(name, path string) (string, error) {
	exe := path
	if name != "" {
		if err := CheckName(name); err != nil {
			return "", err
		}
		found, err := exec.LookPath(Prefix + name)
		if err != nil {
			return "", fmt.Errorf("%w: helper %s is not on PATH: %w", providers.ErrUnavailable, Prefix+name, err)
		}
		exe = found
	}
	if !filepath.IsAbs(exe) {
		abs, err := filepath.Abs(exe)
		if err != nil {
			return "", fmt.Errorf("%w: helper %s: %w", providers.ErrInvalid, exe, err)
		}
		exe = abs
	}
	if err := notSelf(exe); err != nil {
		return "", err
	}
	return exe, nil
}

// notSelf refuses exe when it is this process's executable or the other
// regcred executable beside it.
func notSelf(exe string) error {
	fi, err := os.Stat(exe)
	if err != nil {
		return fmt.Errorf("%w: helper %s: %w", providers.ErrUnavailable, exe, err)
	}
	if IsSelfName(filepath.Base(exe)) {
		return fmt.Errorf("%w: helper %s is regcred itself, which would ask itself", providers.ErrInvalid, exe)
	}
	self, err := os.Executable()
	if err != nil {
		return nil
	}
	candidates := []string{self}
	for _, n := range selfNames() {
		candidates = append(candidates, filepath.Join(filepath.Dir(self), n))
	}
	for _, c := range candidates {
		if ci, err := os.Stat(c); err == nil && os.SameFile(fi, ci) {
			return fmt.Errorf("%w: helper %s is regcred's own executable %s, which would ask itself", providers.ErrInvalid, exe, c)
		}
	}
	return nil
}
