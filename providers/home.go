package providers

import (
	"path/filepath"
	"strings"
)

// ExpandHome turns a leading "~/" of a path written in the config into
// HOME, as a shell would. ok is false when the path needs HOME and lookupEnv
// has none; each backend words that error for its own setting.
func ExpandHome(path string, lookupEnv func(string) (string, bool)) (expanded string, ok bool) {
	rest, found := strings.CutPrefix(path, "~/")
	if !found {
		return path, true
	}
	home, set := lookupEnv("HOME")
	if !set || home == "" {
		return "", false
	}
	return filepath.Join(home, rest), true
}
