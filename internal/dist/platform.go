package dist

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrPlatform is wrapped by the error for a platform regcred is not
// released for.
var ErrPlatform = errors.New("unsupported platform")

// Platform is one GOOS/GOARCH pair regcred is released for.
type Platform struct {
	OS, Arch string
}

func (p Platform) String() string { return p.OS + "/" + p.Arch }

// Exe is name as an executable of p (".exe" on Windows).
func (p Platform) Exe(name string) string {
	if p.OS == "windows" {
		return name + ".exe"
	}
	return name
}

// DefaultPlatforms are the release's platforms, in the order they are built.
func DefaultPlatforms() []Platform {
	var ps []Platform
	for _, os := range []string{"linux", "darwin", "windows"} {
		for _, arch := range []string{"amd64", "arm64"} {
			ps = append(ps, Platform{OS: os, Arch: arch})
		}
	}
	return ps
}

// ParsePlatforms reads "os/arch" arguments; none means DefaultPlatforms.
// Duplicates are dropped; anything not in DefaultPlatforms is refused by name.
func ParsePlatforms(args []string) ([]Platform, error) {
	if len(args) == 0 {
		return DefaultPlatforms(), nil
	}
	var ps []Platform
	for _, a := range args {
		os, arch, _ := strings.Cut(a, "/")
		p := Platform{OS: os, Arch: arch}
		if !slices.Contains(DefaultPlatforms(), p) {
			return nil, fmt.Errorf("%w %q: want one of %s", ErrPlatform, a, platformList())
		}
		if !slices.Contains(ps, p) {
			ps = append(ps, p)
		}
	}
	return ps, nil
}

func platformList() string {
	var names []string
	for _, p := range DefaultPlatforms() {
		names = append(names, p.String())
	}
	return strings.Join(names, ", ")
}
