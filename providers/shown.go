package providers

import (
	"path/filepath"
	"strings"
)

// A config value that names something (a file, a variable) is repeated in
// errors so the user can find it, and errors are printed into the client's
// log (docker's, a CI job's). A secret typed where the name belongs would
// be printed with them, so a name is shown only when it is shaped like
// one: ShowPath and ShowEnvName say what to print instead of the value.

// ShowPath returns path for an error message when it is absolute (after
// "~/" expansion). A relative "path" is more often a secret pasted in the
// wrong place than a file regcred could find (it would be relative to the
// client's working directory), so it is described, not repeated.
func ShowPath(path string) string {
	if dir, _, ok := strings.Cut(path, relativeMark); ok && filepath.IsAbs(dir) {
		return "(a file named relative to " + dir + ", the config's directory; the name is not shown in case it is a secret typed there)"
	}
	if filepath.IsAbs(path) {
		return path
	}
	return "(a relative path, not shown in case it is a secret typed there; use an absolute path)"
}

// ShowEnvName returns name for an error message when it is written as
// environment variables are (upper-case letters, digits and '_'); any
// other name may be a token (ghp_…, glpat-…) typed where the name belongs.
func ShowEnvName(name string) string {
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return "(not shown: the name is not upper-case, and may be a secret typed there)"
		}
	}
	if name == "" {
		return `""`
	}
	return name
}
