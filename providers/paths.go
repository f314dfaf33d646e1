package providers

import (
	"path/filepath"
	"strings"
)

// RelativePaths is implemented by a kind's settings (a *Config) that name
// files: the loader hands it the config file's directory, and each
// relative path becomes one under it, so a file named next to the config
// is found whatever directory the client runs in (docker, the kubelet and
// a shell each have another).
type RelativePaths interface {
	ResolvePaths(dir string)
}

// ResolvePath is path as a setting means it: empty, absolute and "~/"
// paths as they are (ExpandHome turns the last into HOME when the file is
// read), a relative one under dir, joined with a "/./" mark the file
// system ignores: a relative value may be a secret typed in the wrong
// place, and ShowPath, seeing the mark, shows dir but not the name.
func ResolvePath(dir, path string) string {
	if path == "" || filepath.IsAbs(path) || strings.HasPrefix(path, "~/") || dir == "" {
		return path
	}
	return filepath.Clean(dir) + relativeMark + path
}

// relativeMark joins a config directory and a relative name in ResolvePath.
const relativeMark = string(filepath.Separator) + "." + string(filepath.Separator)

// SecretSource is implemented by a kind's settings whose secret comes from
// a place the user controls (a file, a variable): when a registry refuses
// the credential, the message names that place, which is what to fix.
type SecretSource interface {
	SecretSource() string
}
