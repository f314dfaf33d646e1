package gcr

import "strings"

// IsGoogleRegistry reports whether registry (host[:port], as the resolver
// normalises it) is one of Google's registry hosts: gcr.io,
// <label>.gcr.io, <label>-docker.pkg.dev or docker.<label>.rep.pkg.dev.
// The check is anchored at both ends and label by label, so
// gcr.io.evil.example, evilgcr.io, us-docker.pkg.dev.evil.example and any
// port are refused: a Google token is never handed to a look-alike.
func IsGoogleRegistry(registry string) bool {
	labels := strings.Split(strings.ToLower(registry), ".")
	for _, l := range labels {
		if !validLabel(l) {
			return false // also refuses ports, brackets and empty labels
		}
	}
	switch tail := strings.Join(labels[1:], "."); len(labels) {
	case 2:
		return labels[0] == "gcr" && tail == "io"
	case 3:
		if tail == "gcr.io" {
			return true
		}
		// pkg.dev is Google's: any "<label>-docker" under it is too.
		region, ok := strings.CutSuffix(labels[0], "-docker")
		return ok && region != "" && tail == "pkg.dev"
	case 5:
		return labels[0] == "docker" && strings.Join(labels[2:], ".") == "rep.pkg.dev"
	}
	return false
}

// validLabel is a DNS label: 1 to 63 lower-case letters, digits and inner
// hyphens.
func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
